import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../../http/errors.js';
import { ACCESS_COOKIE } from './cookies.js';
import { assertCsrf } from './csrf.js';
import type { SessionService } from './service.js';
import type { SessionSnapshot } from './session-cache.js';
import type { TokenSigner } from './tokens.js';

/** The signed-in caller of a request. */
export interface AuthContext extends SessionSnapshot {
  via: 'bearer' | 'cookie';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in caller, or null. */
    auth: AuthContext | null;
  }
}

const BEARER = /^Bearer\s+(\S+)$/i;

/** The two ways to be signed in, as the OpenAPI document names them. */
export const securitySchemes = {
  bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
  cookieAuth: { type: 'apiKey', in: 'cookie', name: ACCESS_COOKIE },
} as const;

/** OpenAPI security of routes that need a signed-in caller. */
export const signedIn: { [scheme: string]: string[] }[] = [{ bearerAuth: [] }, { cookieAuth: [] }];

/** The caller, or a 401 that names the accepted scheme. */
export function requireUser(request: FastifyRequest): AuthContext {
  if (!request.auth) {
    throw new AppError('not_authenticated', undefined, { headers: { 'www-authenticate': 'Bearer realm="api"' } });
  }
  return request.auth;
}

/**
 * Resolves the caller of every request from `Authorization: Bearer` or the access-token cookie.
 * A bad bearer token is a 401; a bad cookie is ignored (the browser still holds an old one, and
 * login must keep working). Cookie-authenticated unsafe requests must pass the CSRF check.
 */
export const authentication = fp<{ sessions: SessionService; signer: TokenSigner }>(
  async (app: FastifyInstance, { sessions, signer }) => {
    app.decorateRequest('auth', null);
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      const bearer = header ? BEARER.exec(header)?.[1] : undefined;
      if (bearer) {
        const claims = signer.verify(bearer, 'access');
        const session = await sessions.lookUp(claims.familyId, claims.userId);
        if (!session) throw new AppError('token_not_valid', 'Token has been revoked.');
        request.auth = { ...session, via: 'bearer' };
        return;
      }
      const cookie = request.cookies[ACCESS_COOKIE];
      if (!cookie) return;
      const claims = signer.verifyIfValid(cookie, 'access');
      if (!claims) return;
      const session = await sessions.lookUp(claims.familyId, claims.userId);
      if (!session) return;
      assertCsrf(request);
      request.auth = { ...session, via: 'cookie' };
    });
  },
  { name: 'authentication' },
);
