import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifySchema } from 'fastify';
import type { Features } from './features.js';
import { googleRoutes } from './features/auth/google/routes.js';
import { passwordRoutes } from './features/auth/passwords/routes.js';
import { authentication, securitySchemes } from './features/auth/sessions/authenticate.js';
import { CSRF_HEADER } from './features/auth/sessions/cookies.js';
import { sessionRoutes } from './features/auth/sessions/routes.js';
import { healthRoutes } from './features/health/routes.js';
import { paymentRoutes } from './features/payments/routes.js';
import { planRoutes } from './features/plans/routes.js';
import { limitRoutes } from './features/limits/routes.js';
import { rateLimiting } from './features/limits/rate-limiting.js';
import { questionnaireRoutes } from './features/questionnaires/routes.js';
import { analysisRoutes } from './features/analysis/routes.js';
import { improvementRoutes } from './features/improvements/routes.js';
import { documentRoutes } from './features/documents/routes.js';
import { userRoutes } from './features/users/routes.js';
import { ErrorBody, FieldErrorsBody, sanitisedKeyword } from './http/common-schemas.js';
import { refuseCrossSiteForms } from './http/cross-site.js';
import { answerError, registerErrorHandling } from './http/error-handler.js';
import { registerOpenApi } from './http/openapi.js';
import { shedOverload } from './http/overload.js';
import { uploadKeyword } from './http/uploads.js';
import { OneLinePerRequest } from './http/request-log.js';
import type { Services } from './services.js';

/** Bodies above this are refused before they are read; uploads set their own limit. */
const BODY_LIMIT_BYTES = 1024 * 1024;
const REQUEST_ID = /^[\w.-]{1,100}$/;
/** Path parameters longer than this are refused (414) before routing; the schemas set the real limits. */
const MAX_PARAM_LENGTH = 500;
/** A client must send its headers this quickly; the whole request within REQUEST_TIMEOUT_SECONDS. */
const HEADERS_TIMEOUT_MS = 10_000;

export type App = FastifyInstance;

export interface RouteEntry {
  method: string;
  url: string;
  /** Hidden routes (docs, schema, redirects) are left out of the OpenAPI document. */
  hidden: boolean;
  /** The route's schemas, as declared: what it takes and what it answers. */
  schema: FastifySchema | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app serves, as registered. */
    routeTable: RouteEntry[];
    /** Set at shutdown: requests are still served, and each answer asks its client to close the connection. */
    draining: boolean;
  }
}

/** The HTTP API, the same for the server and for every test. */
export async function buildApp(services: Services, features: Features): Promise<App> {
  const { config } = services;
  const requestTimeoutMs = config.requestTimeoutSeconds * 1000;
  // Typed as Fastify's logger so the instance keeps Fastify's default logger type.
  const logger: FastifyBaseLogger = services.logger;
  const app = Fastify({
    loggerInstance: logger,
    logController: new OneLinePerRequest(),
    bodyLimit: BODY_LIMIT_BYTES,
    // Slow clients are cut off: a request trickled in byte by byte must not hold a connection for good.
    requestTimeout: requestTimeoutMs,
    http: { headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs), connectionsCheckingInterval: Math.min(1000, requestTimeoutMs / 2) },
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Errors Fastify raises before routing (a bad URL, a path parameter over its length), in our format.
    frameworkErrors: (error, request, reply) => void answerError(error, request, reply),
    // Forwarded headers are believed only from configured proxies: otherwise anyone could spoof
    // their address past the login lockout, or make a plain-http request look like https.
    trustProxy: config.trustProxy,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { allErrors: true, removeAdditional: true, coerceTypes: 'array', verbose: true }, plugins: [uploadKeyword, sanitisedKeyword] },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('routeTable', new Array<RouteEntry>());
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      app.routeTable.push({ method, url: route.url, hidden: route.schema?.hide === true, schema: route.schema });
    }
  });

  app.decorate('draining', false);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (app.draining) reply.header('connection', 'close');
  });

  // Bodies are JSON or forms; anything else (text/plain included) is refused with 415.
  app.removeContentTypeParser('text/plain');
  // An empty JSON body reads as `{}`, as the upstream read it: clients send `Content-Type: application/json`
  // on actions that take no body (generate-pdf, logout) and must not get a parse error for it.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, {});
      return;
    }
    void parseJson(request, text, done);
  });
  app.addSchema(ErrorBody);
  app.addSchema(FieldErrorsBody);
  registerErrorHandling(app);
  await shedOverload(app, { maxEventLoopDelayMs: config.overloadEventLoopDelayMs });

  await app.register(cors, {
    origin: config.corsAllowedOrigins,
    credentials: true,
    // Stated in full: the plugin's default leaves out PUT, PATCH and DELETE, and browsers then refuse them.
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization', CSRF_HEADER, 'x-requested-with', 'prefer', 'idempotency-key'],
    // A download's file name and ETag, and whether a wait or a replay applied, are for the page to read too.
    exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit', 'ratelimit-policy', 'location', 'content-disposition', 'etag', 'preference-applied', 'idempotent-replayed'],
  });
  // Security headers on every answer; the docs page sets its own content security policy.
  await app.register(helmet, { contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'same-site' } });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: BODY_LIMIT_BYTES });
  refuseCrossSiteForms(app, config.corsAllowedOrigins);
  await registerOpenApi(app, securitySchemes);

  const { users, plans, quotas, ratePolicies, sessions, passwords, google, health, signer, questionnaires, analysis, improvements, documents, payments, templatePreviews } = features;
  await app.register(authentication, { sessions, signer });
  // After authentication: limits follow the signed-in person's plan.
  await app.register(rateLimiting, { counters: services.counters, quotas, policies: ratePolicies });
  await app.register(healthRoutes, { health });
  await app.register(sessionRoutes, { sessions, users });
  await app.register(passwordRoutes, { passwords });
  await app.register(googleRoutes, { google, users });
  await app.register(userRoutes, { users });
  await app.register(planRoutes, { plans });
  await app.register(limitRoutes, { quotas });
  await app.register(paymentRoutes, { payments });
  await app.register(questionnaireRoutes, { questionnaires });
  await app.register(analysisRoutes, { analysis });
  await app.register(improvementRoutes, { improvements });
  await app.register(documentRoutes, { documents, previews: templatePreviews });

  return app;
}
