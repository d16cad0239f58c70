import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ErrorBody, FieldErrorsBody } from '../../http/common-schemas.js';
import { ValidationError } from '../../http/errors.js';
import type { Services } from '../../services.js';
import type { UserService } from '../users/service.js';
import { requireUser, signedIn } from './authenticate.js';
import { REFRESH_COOKIE, clearTokenCookies, setCsrfCookie, setTokenCookies } from './cookies.js';
import { assertCsrf, csrfCookieOf, newCsrfToken } from './csrf.js';
import { GoogleVerifier } from './google.js';
import {
  CsrfTokenBody,
  DetailBody,
  GoogleLoginBody,
  LoginBody,
  PasswordChangeBody,
  PasswordResetBody,
  PasswordResetConfirmBody,
  PasswordResetConfirmInPathBody,
  PasswordResetConfirmParams,
  RefreshBody,
  RegistrationBody,
  SignedInBody,
  TokenPairBody,
  VerifyBody,
} from './schema.js';
import type { AuthService, SessionTokens, SignedIn } from './service.js';

const tags = ['auth'];
const errors = { 400: FieldErrorsBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody } as const;

function tokenPair(tokens: SessionTokens) {
  return {
    access: tokens.access,
    refresh: tokens.refresh,
    access_expiration: tokens.accessExpiration.toISOString(),
    refresh_expiration: tokens.refreshExpiration.toISOString(),
  };
}

/** A refresh token from the body, else from its cookie; a cookie counts as browser credentials, so CSRF applies. */
function refreshTokenOf(request: FastifyRequest, fromBody: string | undefined): string | undefined {
  if (fromBody) return fromBody;
  const cookie = request.cookies[REFRESH_COOKIE];
  if (cookie) assertCsrf(request);
  return cookie;
}

export const authRoutes: FastifyPluginAsyncTypebox<{ services: Services; auth: AuthService; users: UserService }> = async (
  app,
  { services, auth, users },
) => {
  const google = new GoogleVerifier(services.config.googleJwksUrl, services.config.googleClientId);

  const signIn = async (request: FastifyRequest, reply: FastifyReply, result: SignedIn) => {
    setTokenCookies(request, reply, result.tokens);
    return { ...tokenPair(result.tokens), user: await users.present(result.user) };
  };

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
        response: { 201: SignedInBody, ...errors, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const result = await auth.register(request.body);
      return reply.code(201).send(await signIn(request, reply, result));
    },
  );

  app.post(
    '/auth/login/',
    {
      schema: {
        tags,
        summary: 'Signs in with a username (or e-mail) and password',
        description: 'Repeated failures for one account or from one address are locked out for 15 minutes (429 with Retry-After).',
        body: LoginBody,
        response: { 200: SignedInBody, ...errors },
      },
    },
    async (request, reply) => {
      const identifier = request.body.username?.trim() || request.body.email?.trim();
      const password = request.body.password;
      if (!identifier || !password) throw ValidationError.field('non_field_errors', 'Must include "username" and "password".');
      return signIn(request, reply, await auth.login(identifier, password, request.ip));
    },
  );

  app.post(
    '/auth/logout/',
    {
      schema: {
        tags,
        summary: 'Ends the sign-in (every token of it) and clears the cookies',
        body: Type.Optional(RefreshBody),
        response: { 200: DetailBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      await auth.logout(request.auth, refreshTokenOf(request, request.body?.refresh));
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
        response: { 200: TokenPairBody, ...errors },
      },
    },
    async (request, reply) => {
      const token = refreshTokenOf(request, request.body?.refresh);
      if (!token) throw ValidationError.field('refresh', 'This field is required.');
      const result = await auth.refresh(token);
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
        response: { 200: Type.Object({}), 400: FieldErrorsBody, 401: ErrorBody },
      },
    },
    async (request) => {
      await auth.verifyToken(request.body.token);
      return {};
    },
  );

  app.post(
    '/auth/password/change/',
    {
      schema: {
        tags,
        summary: "Changes the caller's password and ends their other sign-ins",
        security: signedIn,
        body: PasswordChangeBody,
        response: { 200: DetailBody, ...errors },
      },
    },
    async (request) => {
      await auth.changePassword(requireUser(request), request.body);
      return { detail: 'New password has been saved.' };
    },
  );

  app.post(
    '/auth/password/reset/',
    {
      schema: {
        tags,
        summary: 'Mails a single-use reset link (valid one hour) if the address has an account',
        body: PasswordResetBody,
        response: { 200: DetailBody, 400: FieldErrorsBody },
      },
    },
    async (request) => {
      await auth.requestPasswordReset(request.body.email);
      return { detail: 'Password reset e-mail has been sent.' };
    },
  );

  const resetDone = { detail: 'Password has been reset with the new password.' };
  app.post(
    '/auth/password/reset/confirm/',
    {
      schema: {
        tags,
        summary: 'Sets a new password with the uid and token of a reset link',
        body: PasswordResetConfirmBody,
        response: { 200: DetailBody, 400: FieldErrorsBody },
      },
    },
    async (request) => {
      await auth.confirmPasswordReset(request.body);
      return resetDone;
    },
  );
  app.post(
    '/auth/password/reset/confirm/:uidb64/:token/',
    {
      schema: {
        tags,
        summary: 'The same, with the uid and token in the path',
        params: PasswordResetConfirmParams,
        body: PasswordResetConfirmInPathBody,
        response: { 200: DetailBody, 400: FieldErrorsBody },
      },
    },
    async (request) => {
      await auth.confirmPasswordReset({ ...request.body, uid: request.body.uid ?? request.params.uidb64, token: request.body.token ?? request.params.token });
      return resetDone;
    },
  );

  app.post(
    '/auth/social/login/google/',
    {
      schema: {
        tags,
        summary: 'Signs in with a Google ID token: the linked account, the account with that verified e-mail, or a new one',
        body: GoogleLoginBody,
        response: { 200: SignedInBody, 400: FieldErrorsBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const idToken = request.body.id_token ?? request.body.credential ?? request.body.access_token;
      if (!idToken) throw ValidationError.field('id_token', 'This field is required.');
      return signIn(request, reply, await auth.googleLogin(await google.verify(idToken)));
    },
  );
};
