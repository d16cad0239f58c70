import type { Services } from './services.js';
import { createSuperuser } from './features/admin/superuser.js';
import { GoogleSignIn } from './features/auth/google/service.js';
import { GoogleVerifier } from './features/auth/google/verifier.js';
import { passwordResetMailJob } from './features/auth/passwords/jobs.js';
import { PasswordService } from './features/auth/passwords/service.js';
import { deleteExpiredAttempts } from './features/auth/sessions/repository.js';
import { SessionService } from './features/auth/sessions/service.js';
import { SessionCache } from './features/auth/sessions/session-cache.js';
import { TokenSigner } from './features/auth/sessions/tokens.js';
import { queueProbeJob } from './features/health/jobs.js';
import { HealthService } from './features/health/service.js';
import { AnalysisService } from './features/analysis/service.js';
import { createImprover } from './features/improvements/create-improver.js';
import type { Improver } from './features/improvements/improver.js';
import { improvementJob } from './features/improvements/jobs.js';
import { documentJob } from './features/documents/jobs.js';
import { pdfTextReader } from './features/documents/render-cv-document.js';
import { DocumentService } from './features/documents/service.js';
import { TemplatePreviews } from './features/documents/template-previews.js';
import { ImprovementService } from './features/improvements/service.js';
import { PaymentService } from './features/payments/service.js';
import { PlanService } from './features/plans/service.js';
import { QuotaService } from './features/limits/service.js';
import { ratePolicies, type RatePolicy } from './features/limits/rate-policies.js';
import { extractionJob } from './features/questionnaires/jobs.js';
import { QuestionnaireService } from './features/questionnaires/service.js';
import { UserService } from './features/users/service.js';
import type { JobHandler } from './jobs/job-handler.js';
import type { PeriodicTask } from './jobs/periodic-tasks.js';

/** Every feature's service, built once per process from the shared infrastructure. */
export interface Features {
  plans: PlanService;
  /** Daily allowances and the status of every limit. */
  quotas: QuotaService;
  /** The request-rate limits, from the config and the plans. */
  ratePolicies: RatePolicy[];
  users: UserService;
  signer: TokenSigner;
  sessions: SessionService;
  passwords: PasswordService;
  google: GoogleSignIn;
  health: HealthService;
  questionnaires: QuestionnaireService;
  analysis: AnalysisService;
  improvements: ImprovementService;
  documents: DocumentService;
  /** Stripe checkout, billing portal and subscription sync. */
  payments: PaymentService;
  /** The template list and previews. */
  templatePreviews: TemplatePreviews;
  /** What rewrites CVs: the configured language model, or the offline rules. */
  improver: Improver;
  /** Every kind of background job, with what it works with. */
  jobHandlers: JobHandler[];
  /** Upkeep the worker runs on a timer. */
  periodicTasks: PeriodicTask[];
  createSuperuser(input: { username: string; email: string; password: string }): ReturnType<typeof createSuperuser>;
}

/** The one place where feature services are made and wired to each other and to the infrastructure. */
export function createFeatures(services: Services): Features {
  const { config, database, cache, counters, bus, queue, jobs, jobWatch, cpu, renderer, blobs, mailer, stripe, logger, secretKey } = services;
  const plans = new PlanService({ database, cache, stripe, logger });
  const quotas = new QuotaService({ database, plans, counters });
  const sessionCache = new SessionCache(bus);
  const users = new UserService(database, plans, (userId) => sessionCache.invalidateUser(userId));
  const signer = new TokenSigner(secretKey);
  const sessions = new SessionService({ database, users, signer, cache: sessionCache, secretKey });
  const passwords = new PasswordService({ database, users, sessions, jobs });
  const google = new GoogleSignIn({ database, users, sessions, verifier: new GoogleVerifier(config.googleJwksUrl, config.googleClientId) });
  const health = new HealthService({ config, database, cache, queue, jobs, processLabel: services.processLabel, logger });
  const questionnaires = new QuestionnaireService({ database, jobs, blobs, quotas, logger });
  const analysis = new AnalysisService({ questionnaires });
  const improvements = new ImprovementService({ database, jobs, jobWatch, questionnaires, quotas, logger });
  const improver = createImprover(config, logger);
  const documents = new DocumentService({ database, jobs, jobWatch, blobs, questionnaires, quotas, logger });
  const payments = new PaymentService({
    database,
    stripe,
    users,
    plans,
    logger,
    frontendUrl: config.frontendUrl,
    webhookSecret: config.stripeWebhookSecret,
    secretKey,
  });
  return {
    plans,
    quotas,
    ratePolicies: ratePolicies(config),
    users,
    signer,
    sessions,
    passwords,
    google,
    health,
    questionnaires,
    analysis,
    improvements,
    documents,
    payments,
    templatePreviews: new TemplatePreviews(renderer),
    improver,
    jobHandlers: [
      queueProbeJob(database, cpu),
      passwordResetMailJob({ database, users, mailer, secretKey, frontendUrl: config.frontendUrl }),
      extractionJob({ database, blobs, cpu, logger, timeoutMs: config.extractionTimeoutSeconds * 1000 }),
      improvementJob({ database, questionnaires, improver, logger }),
      documentJob({ database, blobs, questionnaires, logger, renderer, readPdfText: pdfTextReader(cpu) }),
    ],
    periodicTasks: [
      { name: 'delete expired login counters', intervalMs: 10 * 60 * 1000, run: () => deleteExpiredAttempts(database.db) },
    ],
    createSuperuser: (input) => createSuperuser({ database, users, passwords }, input),
  };
}
