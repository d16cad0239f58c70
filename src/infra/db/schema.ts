import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  type AnyPgColumn,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

// The one description of the data model. SQL migrations in migrations/ are generated from it
// (npm run db:generate), so the tables are never described twice.

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const plans = pgTable(
  'plans',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    name: varchar('name', { length: 50 }).notNull().unique(),
    description: text('description').notNull().default(''),
    sortOrder: integer('sort_order').notNull().default(10),
    stripePriceIdMonthly: varchar('stripe_price_id_monthly', { length: 100 }),
    stripePriceIdYearly: varchar('stripe_price_id_yearly', { length: 100 }),
    // Prices in the smallest currency unit, used when Stripe is not configured.
    monthlyPriceCents: integer('monthly_price_cents'),
    yearlyPriceCents: integer('yearly_price_cents'),
    currency: varchar('currency', { length: 3 }).notNull().default('USD'),
    aiResponsesPerDay: integer('ai_responses_per_day').notNull(),
    questionnairesPerDay: integer('questionnaires_per_day').notNull(),
    apiCallsPerHour: integer('api_calls_per_hour').notNull(),
    uploadsPerDay: integer('uploads_per_day').notNull(),
    // CV files uploaded (each one is read, OCR included) and unsafe requests outside /cv/ per minute.
    cvUploadsPerDay: integer('cv_uploads_per_day').notNull().default(10),
    burstPerMinute: integer('burst_per_minute').notNull().default(10),
    createdAt: createdAt(),
  },
  (table) => [index('plans_order_name_idx').on(table.sortOrder, table.name)],
);

export const users = pgTable(
  'users',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    username: varchar('username', { length: 150 }).notNull(),
    email: varchar('email', { length: 254 }).notNull(),
    // Null for accounts that only ever signed in through Google.
    passwordHash: text('password_hash'),
    firstName: varchar('first_name', { length: 150 }).notNull().default(''),
    lastName: varchar('last_name', { length: 150 }).notNull().default(''),
    dateOfBirth: date('date_of_birth', { mode: 'string' }),
    isActive: boolean('is_active').notNull().default(true),
    isStaff: boolean('is_staff').notNull().default(false),
    isSuperuser: boolean('is_superuser').notNull().default(false),
    dateJoined: timestamp('date_joined', { withTimezone: true }).notNull().defaultNow(),
    lastLogin: timestamp('last_login', { withTimezone: true }),
    planId: bigint('plan_id', { mode: 'number' }).references(() => plans.id, { onDelete: 'set null' }),
    stripeCustomerId: varchar('stripe_customer_id', { length: 255 }),
    stripeSubscriptionId: varchar('stripe_subscription_id', { length: 255 }),
    stripeSubscriptionStatus: varchar('stripe_subscription_status', { length: 50 }),
    subscriptionCurrentPeriodEnd: timestamp('subscription_current_period_end', { withTimezone: true }),
    subscriptionInterval: varchar('subscription_interval', { length: 10 }),
  },
  (table) => [
    // Case-insensitive uniqueness: "Jane" and "jane" are one account.
    uniqueIndex('users_username_lower_key').on(sql`lower(${table.username})`),
    uniqueIndex('users_email_lower_key').on(sql`lower(${table.email})`),
    index('users_plan_idx').on(table.planId),
    index('users_stripe_customer_idx').on(table.stripeCustomerId),
    index('users_stripe_subscription_idx').on(table.stripeSubscriptionId),
  ],
);

export const questionnaires = pgTable(
  'questionnaires',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    position: varchar('position', { length: 255 }).notNull(),
    industry: varchar('industry', { length: 255 }).notNull(),
    experienceLevel: varchar('experience_level', { length: 10 }).notNull(),
    companySize: varchar('company_size', { length: 10 }).notNull(),
    location: varchar('location', { length: 255 }),
    applicationTimeline: varchar('application_timeline', { length: 20 }).notNull(),
    jobDescription: text('job_description'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull().defaultNow(),
    // The upload lives in blob storage under a generated key; the user's file name is kept only as a label.
    resumeBlobKey: varchar('resume_blob_key', { length: 200 }),
    resumeFileName: varchar('resume_file_name', { length: 255 }),
    resumeContentType: varchar('resume_content_type', { length: 100 }),
    resumeSizeBytes: integer('resume_size_bytes'),
    // The job reading the current upload. Its row holds the status and the error; a job whose id is no
    // longer here was for an older file, and its result is dropped.
    extractionJobId: uuid('extraction_job_id').references((): AnyPgColumn => jobs.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('questionnaires_user_submitted_idx').on(table.userId, table.submittedAt),
    check('questionnaires_experience_level_check', sql`${table.experienceLevel} in ('0-2', '3-5', '6+')`),
    check('questionnaires_company_size_check', sql`${table.companySize} in ('startup', 'small', 'medium', 'enterprise')`),
    check(
      'questionnaires_application_timeline_check',
      sql`${table.applicationTimeline} in ('immediate', '1-3 months', '3-6 months', '6+ months')`,
    ),
    check('questionnaires_job_description_length_check', sql`char_length(${table.jobDescription}) <= 5000`),
  ],
);

/**
 * An improvement of a questionnaire's CV: a row from the moment it is asked for. Its job (and the
 * job's row) says how far it got; the result columns are written once, when the job succeeds.
 */
export const aiResponses = pgTable(
  'ai_responses',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    questionnaireId: bigint('questionnaire_id', { mode: 'number' })
      .notNull()
      .references(() => questionnaires.id, { onDelete: 'cascade' }),
    // The owner, kept on the row: lists and daily allowances count by user without a join.
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    jobId: uuid('job_id').references((): AnyPgColumn => jobs.id, { onDelete: 'set null' }),
    // The improved CV as Markdown; null until the job succeeds.
    responseText: text('response_text'),
    // What the upstream never kept: the request and what it cost.
    prompt: text('prompt'),
    provider: varchar('provider', { length: 20 }),
    model: varchar('model', { length: 100 }),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    latencyMs: integer('latency_ms'),
    llmCalls: integer('llm_calls'),
    resume: jsonb('resume').$type<Record<string, unknown>>(),
    changes: jsonb('changes').$type<Record<string, unknown>[]>(),
    analysisBefore: jsonb('analysis_before').$type<Record<string, unknown>>(),
    analysisAfter: jsonb('analysis_after').$type<Record<string, unknown>>(),
    // A client's Idempotency-Key and a hash of the request it came with: a repeat finds this row.
    idempotencyKey: varchar('idempotency_key', { length: 255 }),
    requestHash: varchar('request_hash', { length: 64 }),
    createdAt: createdAt(),
    // Set when the improvement succeeded: what counts against the daily allowance.
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (table) => [
    index('ai_responses_questionnaire_created_idx').on(table.questionnaireId, table.createdAt),
    index('ai_responses_user_created_idx').on(table.userId, table.createdAt),
    index('ai_responses_user_completed_idx').on(table.userId, table.completedAt),
    uniqueIndex('ai_responses_user_idempotency_key').on(table.userId, table.idempotencyKey).where(sql`${table.idempotencyKey} is not null`),
    check('ai_responses_response_text_length_check', sql`char_length(${table.responseText}) <= 10000`),
  ],
);

export const documentSources = ['improvement', 'cv', 'markdown'] as const;
export type DocumentSource = (typeof documentSources)[number];

/**
 * A rendered PDF of a CV: an improvement's result, a questionnaire's own CV, or Markdown sent with
 * the request. Its own row and its own file: the upload it came from is never overwritten.
 */
export const documents = pgTable(
  'documents',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    questionnaireId: bigint('questionnaire_id', { mode: 'number' })
      .notNull()
      .references(() => questionnaires.id, { onDelete: 'cascade' }),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    aiResponseId: bigint('ai_response_id', { mode: 'number' }).references(() => aiResponses.id, { onDelete: 'cascade' }),
    jobId: uuid('job_id').references((): AnyPgColumn => jobs.id, { onDelete: 'set null' }),
    source: varchar('source', { length: 16 }).$type<DocumentSource>().notNull(),
    // Markdown sent with the request (source 'markdown'), read into a structured CV by the job.
    markdown: text('markdown'),
    template: varchar('template', { length: 64 }).notNull(),
    // Paper, accent, font size, language and page budget as asked; the language guessed when not given.
    options: jsonb('options').$type<Record<string, unknown>>().notNull(),
    // Set by the job when the PDF is stored.
    blobKey: varchar('blob_key', { length: 100 }),
    fileName: varchar('file_name', { length: 300 }),
    pages: integer('pages'),
    bytes: integer('bytes'),
    sha256: varchar('sha256', { length: 64 }),
    textRecall: real('text_recall'),
    warnings: jsonb('warnings').$type<Record<string, unknown>[]>().notNull().default([]),
    dropped: jsonb('dropped').$type<Record<string, unknown>[]>().notNull().default([]),
    renderMs: integer('render_ms'),
    createdAt: createdAt(),
    // Set when the PDF is stored: what counts against the daily allowance of rendered documents.
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (table) => [
    index('documents_user_created_idx').on(table.userId, table.createdAt),
    index('documents_user_completed_idx').on(table.userId, table.completedAt),
    index('documents_questionnaire_idx').on(table.questionnaireId),
    index('documents_ai_response_idx').on(table.aiResponseId),
    check('documents_source_check', sql`${table.source} in ('improvement', 'cv', 'markdown')`),
  ],
);

export const jobStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/**
 * The state of every background job. The queue only carries ids; this row is the truth, so a
 * crashed worker, a flushed Redis or a restart loses nothing.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: varchar('kind', { length: 64 }).notNull(),
    status: varchar('status', { length: 16 }).$type<JobStatus>().notNull().default('queued'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    ownerId: bigint('owner_id', { mode: 'number' }).references(() => users.id, { onDelete: 'cascade' }),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(3),
    runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lockedBy: varchar('locked_by', { length: 200 }),
    progress: integer('progress').notNull().default(0),
    errorCode: varchar('error_code', { length: 64 }),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (table) => [
    index('jobs_status_run_after_idx').on(table.status, table.runAfter),
    index('jobs_owner_created_idx').on(table.ownerId, table.createdAt),
    check('jobs_status_check', sql`${table.status} in ('queued', 'running', 'succeeded', 'failed')`),
  ],
);

/** Health probes: each is a job that must round-trip through a worker. */
export const queueProbes = pgTable('queue_probes', {
  jobId: uuid('job_id')
    .primaryKey()
    .references(() => jobs.id, { onDelete: 'cascade' }),
  requestedBy: varchar('requested_by', { length: 200 }).notNull(),
  holdMs: integer('hold_ms').notNull().default(0),
  createdAt: createdAt(),
  completedAt: timestamp('completed_at', { withTimezone: true }),
  completedBy: varchar('completed_by', { length: 200 }),
  cpuThreadId: integer('cpu_thread_id'),
  // Counts committed completions, so a job that ran twice would show it.
  completions: integer('completions').notNull().default(0),
});

/**
 * One sign-in: every refresh token rotated from one login shares a family. Revoking the family
 * (logout, reuse of a rotated refresh token, password change) ends the access tokens it issued too.
 */
export const tokenFamilies = pgTable(
  'token_families',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // When the person last proved who they are with a password or Google; refreshes do not move it.
    authenticatedAt: timestamp('authenticated_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedReason: varchar('revoked_reason', { length: 32 }),
  },
  (table) => [index('token_families_user_idx').on(table.userId)],
);

/** Issued refresh tokens, by their jti: a token used once is never accepted again. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    jti: uuid('jti').primaryKey(),
    familyId: uuid('family_id')
      .notNull()
      .references(() => tokenFamilies.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [index('refresh_tokens_family_idx').on(table.familyId)],
);

/** Password-reset tokens; only a hash is kept, so the table cannot be used to reset anything. */
export const passwordResetTokens = pgTable(
  'password_reset_tokens',
  {
    tokenHash: varchar('token_hash', { length: 64 }).primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [index('password_reset_tokens_user_idx').on(table.userId)],
);

/** Accounts at identity providers (Google) linked to a user. */
export const socialAccounts = pgTable(
  'social_accounts',
  {
    provider: varchar('provider', { length: 20 }).notNull(),
    subject: varchar('subject', { length: 255 }).notNull(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    email: varchar('email', { length: 254 }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.provider, table.subject] }), index('social_accounts_user_idx').on(table.userId)],
);

/**
 * Sign-in attempts per account and per client address within a window, counted by one atomic
 * statement each, so parallel guesses cannot slip past the limit. Keys carry no personal data: an
 * account by its id, an address or an unknown name by a keyed hash.
 */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    key: varchar('key', { length: 100 }).primaryKey(),
    attempts: integer('attempts').notNull(),
    windowEndsAt: timestamp('window_ends_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('login_attempts_window_ends_idx').on(table.windowEndsAt)],
);

/**
 * External effects of a job that already happened (a mail sent, a paid call answered), recorded the
 * moment they succeed: an attempt after a crash finds them here and does not do them again.
 */
export const jobEffects = pgTable(
  'job_effects',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    effect: varchar('effect', { length: 100 }).notNull(),
    result: jsonb('result'),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.jobId, table.effect] })],
);

export const cvOrigins = ['extracted', 'edited', 'imported'] as const;
export type CvOrigin = (typeof cvOrigins)[number];

/**
 * A questionnaire's CV as text and as a structured CV (JSON Resume): read from its upload, corrected
 * by its owner, or imported. The raw text is kept beside the structure, which is derived from it.
 */
export const cvs = pgTable(
  'cvs',
  {
    questionnaireId: bigint('questionnaire_id', { mode: 'number' })
      .primaryKey()
      .references(() => questionnaires.id, { onDelete: 'cascade' }),
    origin: varchar('origin', { length: 16 }).$type<CvOrigin>().notNull(),
    text: text('text').notNull(),
    resume: jsonb('resume').$type<Record<string, unknown>>().notNull(),
    warnings: jsonb('warnings').$type<{ code: string; message: string; confidence?: number }[]>().notNull().default([]),
    source: jsonb('source').$type<Record<string, unknown> | null>(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check('cvs_origin_check', sql`${table.origin} in ('extracted', 'edited', 'imported')`)],
);

export const usageScopes = ['ai_responses', 'questionnaires', 'uploads', 'cv_uploads'] as const;
export type UsageScope = (typeof usageScopes)[number];

/**
 * What a daily allowance counts: one row per piece of work accepted, written in the transaction that
 * accepts it. Rows outlive what they count (deleting a questionnaire gives no allowance back); a row
 * whose job failed does not count.
 */
export const usageRecords = pgTable(
  'usage_records',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    scope: varchar('scope', { length: 20 }).$type<UsageScope>().notNull(),
    // The job doing the work, when there is one: its failure gives the allowance back.
    jobId: uuid('job_id').references((): AnyPgColumn => jobs.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [
    index('usage_records_user_scope_created_idx').on(table.userId, table.scope, table.createdAt),
    check('usage_records_scope_check', sql`${table.scope} in ('ai_responses', 'questionnaires', 'uploads', 'cv_uploads')`),
  ],
);

/**
 * Stripe events already applied, by event id, written in the transaction that applies the event:
 * a redelivered event finds its row and changes nothing.
 */
export const stripeEvents = pgTable('stripe_events', {
  id: varchar('id', { length: 255 }).primaryKey(),
  type: varchar('type', { length: 100 }).notNull(),
  // When Stripe created the event (its `created`), and when it was applied here.
  eventCreatedAt: timestamp('event_created_at', { withTimezone: true }).notNull(),
  processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
});
