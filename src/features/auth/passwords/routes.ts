import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DetailBody, errorResponses } from '../../../http/common-schemas.js';
import { requireUser, signedIn } from '../sessions/authenticate.js';
import { PasswordChangeBody, PasswordResetBody, PasswordResetConfirmBody, PasswordResetConfirmInPathBody, PasswordResetConfirmParams } from './schema.js';
import type { PasswordService } from './service.js';

const tags = ['auth'];
const RESET_DONE = { detail: 'Password has been reset with the new password.' };

/** Password change, and reset by a mailed link. */
export const passwordRoutes: FastifyPluginAsyncTypebox<{ passwords: PasswordService }> = async (app, { passwords }) => {
  app.post(
    '/auth/password/change/',
    {
      schema: {
        tags,
        summary: "Changes the caller's password and ends their other sign-ins",
        security: signedIn,
        body: PasswordChangeBody,
        response: { 200: DetailBody, ...errorResponses(400, 401, 403, 413, 415, 503) },
      },
    },
    async (request) => {
      await passwords.change(requireUser(request), request.body);
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
        response: { 200: DetailBody, ...errorResponses(400, 403, 413, 415, 503) },
      },
    },
    async (request) => {
      await passwords.requestReset(request.body.email);
      return { detail: 'Password reset e-mail has been sent.' };
    },
  );

  app.post(
    '/auth/password/reset/confirm/',
    {
      schema: {
        tags,
        summary: 'Sets a new password with the uid and token of a reset link',
        body: PasswordResetConfirmBody,
        response: { 200: DetailBody, ...errorResponses(400, 403, 413, 415, 503) },
      },
    },
    async (request) => {
      await passwords.confirmReset(request.body);
      return RESET_DONE;
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
        response: { 200: DetailBody, ...errorResponses(400, 403, 413, 415, 503) },
      },
    },
    async (request) => {
      await passwords.confirmReset({ ...request.body, uid: request.body.uid ?? request.params.uidb64, token: request.body.token ?? request.params.token });
      return RESET_DONE;
    },
  );
};
