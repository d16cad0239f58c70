import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import { authentication } from './features/auth/authenticate.js';
import { authRoutes } from './features/auth/routes.js';
import { AuthService } from './features/auth/service.js';
import { healthRoutes } from './features/health/routes.js';
import { planRoutes } from './features/plans/routes.js';
import { PlanService } from './features/plans/service.js';
import { userRoutes } from './features/users/routes.js';
import { UserService } from './features/users/service.js';
import { ErrorBody, FieldErrorsBody } from './http/common-schemas.js';
import { registerErrorHandling } from './http/error-handler.js';
import { registerOpenApi } from './http/openapi.js';
import type { Services } from './services.js';

/** Bodies above this are refused before they are read; uploads set their own limit. */
const BODY_LIMIT_BYTES = 1024 * 1024;
const REQUEST_ID = /^[\w.-]{1,100}$/;

export type App = FastifyInstance;

export interface RouteEntry {
  method: string;
  url: string;
  /** Hidden routes (docs, schema, redirects) are left out of the OpenAPI document. */
  hidden: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app serves, as registered. */
    routeTable: RouteEntry[];
  }
}

/** The HTTP API, the same for the server and for every test. */
export async function buildApp(services: Services): Promise<App> {
  // Typed as Fastify's logger so the instance keeps Fastify's default logger type.
  const logger: FastifyBaseLogger = services.logger;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Forwarded headers are believed only from configured proxies: otherwise anyone could spoof
    // their address past the login lockout, or make a plain-http request look like https.
    trustProxy: services.config.trustProxy,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { allErrors: true, removeAdditional: true, coerceTypes: 'array', verbose: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('routeTable', new Array<RouteEntry>());
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      app.routeTable.push({ method, url: route.url, hidden: route.schema?.hide === true });
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.addSchema(ErrorBody);
  app.addSchema(FieldErrorsBody);
  registerErrorHandling(app);

  await app.register(cors, {
    origin: services.config.corsAllowedOrigins,
    credentials: true,
    // Stated in full: the plugin's default leaves out PUT, PATCH and DELETE, and browsers then refuse them.
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization', 'x-csrftoken', 'x-requested-with', 'prefer', 'idempotency-key'],
    exposedHeaders: ['x-request-id', 'retry-after', 'location'],
  });
  // Security headers on every answer; the docs page sets its own content security policy.
  await app.register(helmet, { contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'same-site' } });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: BODY_LIMIT_BYTES });
  await registerOpenApi(app);

  const plans = new PlanService(services);
  const users = new UserService(services, plans);
  const auth = new AuthService(services);
  await app.register(authentication, { services, signer: auth.signer });

  await app.register(healthRoutes, { services });
  await app.register(authRoutes, { services, auth, users });
  await app.register(userRoutes, { users });
  await app.register(planRoutes, { plans });

  return app;
}
