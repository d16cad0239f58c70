import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../../http/common-schemas.js';
import { ValidationError } from '../../../http/errors.js';
import type { UserService } from '../../users/service.js';
import { SignedInBody } from '../sessions/schema.js';
import { answerSignedIn } from '../sessions/signed-in.js';
import { GoogleLoginBody } from './schema.js';
import type { GoogleSignIn } from './service.js';

export const googleRoutes: FastifyPluginAsyncTypebox<{ google: GoogleSignIn; users: UserService }> = async (app, { google, users }) => {
  app.post(
    '/auth/social/login/google/',
    {
      schema: {
        tags: ['auth'],
        summary: 'Signs in with a Google ID token: the linked account, the account with that verified e-mail, or a new one',
        body: GoogleLoginBody,
        response: { 200: SignedInBody, ...errorResponses(400, 403, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      const idToken = request.body.id_token ?? request.body.credential ?? request.body.access_token;
      if (!idToken) throw ValidationError.field('id_token', 'This field is required.');
      return answerSignedIn(request, reply, users, await google.signIn(idToken));
    },
  );
};
