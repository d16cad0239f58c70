import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DetailBody, errorResponses } from '../../../http/common-schemas.js';
import { ValidationError } from '../../../http/errors.js';
import type { UserService } from '../../users/service.js';
import { REFRESH_COOKIE, clearTokenCookies, setCsrfCookie, setTokenCookies } from './cookies.js';
import { assertCsrf, csrfCookieOf, newCsrfToken } from './csrf.js';
import { CsrfTokenBody, LoginBody, RefreshBody, RegistrationBody, SignedInBody, TokenPairBody, VerifyBody } from './schema.js';
import type { SessionService } from './service.js';
import { answerSignedIn, tokenPair } from './signed-in.js';

const tags = ['auth'];

/** A refresh token from the body, else from its cookie; a cookie counts as browser credentials, so CSRF applies. */
function refreshTokenOf(request: FastifyRequest, fromBody: string | undefined): string | undefined {
  if (fromBody) return fromBody;
  const cookie = request.cookies[REFRESH_COOKIE];
  if (cookie) assertCsrf(request);
  return cookie;
}

/** Sign-up, login, logout and the token endpoints. */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ sessions: SessionService; users: UserService }> = async (app, { sessions, users }) => {
  app.get(
    '/auth/csrf-token/',
    { schema: { tags, summary: 'Sets the csrftoken cookie and returns its value', response: { 200: CsrfTokenBody } } },
    async (request, reply) => {
      const token = csrfCookieOf(request) ?? newCsrfToken();
      setCsrfCookie(request, reply, token);
      return { csrfToken: token };
    },
  );

  app.post(
    '/auth/registration/',
    {
      schema: {
        tags,
        summary: 'Creates an account (on the Free plan) and signs it in',
        body: RegistrationBody,
        response: { 201: SignedInBody, ...errorResponses(400, 403, 409, 413, 415, 503) },
      },
    },
    async (request, reply) => reply.code(201).send(await answerSignedIn(request, reply, users, await sessions.register(request.body))),
  );

  app.post(
    '/auth/login/',
    {
      schema: {
        tags,
        summary: 'Signs in with a username (or e-mail) and password',
        description:
          'Five failed attempts for one account (named by username or e-mail alike), or thirty from one address, within 15 minutes lock it out for 15 minutes (429 with Retry-After).',
        body: LoginBody,
        response: { 200: SignedInBody, ...errorResponses(400, 403, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const identifier = request.body.username?.trim() || request.body.email?.trim();
      const password = request.body.password;
      if (!identifier || !password) throw ValidationError.field('non_field_errors', 'Must include "username" and "password".');
      return answerSignedIn(request, reply, users, await sessions.login(identifier, password, request.ip));
    },
  );

  app.post(
    '/auth/logout/',
    {
      schema: {
        tags,
        summary: 'Ends the sign-in (every token of it) and clears the cookies',
        body: Type.Optional(RefreshBody),
        response: { 200: DetailBody, ...errorResponses(400, 401, 403, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      await sessions.logout(request.auth?.familyId, refreshTokenOf(request, request.body?.refresh));
      clearTokenCookies(request, reply);
      return { detail: 'Successfully logged out.' };
    },
  );

  app.post(
    '/auth/token/refresh/',
    {
      schema: {
        tags,
        summary: 'Rotates a refresh token (from the body or the refresh-token cookie)',
        description: 'A refresh token works once. Presenting one that was already used ends the whole sign-in (401).',
        body: Type.Optional(RefreshBody),
        response: { 200: TokenPairBody, ...errorResponses(400, 401, 403, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      const token = refreshTokenOf(request, request.body?.refresh);
      if (!token) throw ValidationError.field('refresh', 'This field is required.');
      const result = await sessions.refresh(token);
      setTokenCookies(request, reply, result.tokens);
      return tokenPair(result.tokens);
    },
  );

  app.post(
    '/auth/token/verify/',
    {
      schema: {
        tags,
        summary: 'Checks that an access or refresh token is valid and not revoked',
        body: VerifyBody,
        response: { 200: Type.Object({}), ...errorResponses(400, 401, 413, 415, 503) },
      },
    },
    async (request) => {
      await sessions.verifyToken(request.body.token);
      return {};
    },
  );
};
