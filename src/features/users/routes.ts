import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { errorResponses } from '../../http/common-schemas.js';
import { requireUser, signedIn } from '../auth/sessions/authenticate.js';
import { UserPatchBody, UserPutBody, UserSchema, type UserPatch } from './schema.js';
import type { UserService } from './service.js';

const tags = ['auth'];
const response = { 200: UserSchema, ...errorResponses(400, 401, 403, 409, 413, 415, 503) };

export const userRoutes: FastifyPluginAsyncTypebox<{ users: UserService }> = async (app, { users }) => {
  // PUT and PATCH differ only in what their schemas require.
  const updateProfile = async (request: FastifyRequest, changes: UserPatch) => {
    const auth = requireUser(request);
    return users.present(await users.update(auth.user, changes), auth.plan);
  };

  app.get(
    '/auth/user/',
    { schema: { tags, summary: "The caller's account, with their plan", security: signedIn, response: { 200: UserSchema, ...errorResponses(401, 503) } } },
    async (request) => {
      const auth = requireUser(request);
      return users.present(auth.user, auth.plan);
    },
  );

  app.put(
    '/auth/user/',
    {
      schema: {
        tags,
        summary: "Replaces the caller's profile (username required); read-only and unknown fields are ignored",
        security: signedIn,
        body: UserPutBody,
        response,
      },
    },
    async (request) => updateProfile(request, request.body),
  );

  app.patch(
    '/auth/user/',
    {
      schema: {
        tags,
        summary: "Changes some of the caller's profile fields; read-only and unknown fields are ignored",
        security: signedIn,
        body: UserPatchBody,
        response,
      },
    },
    async (request) => updateProfile(request, request.body),
  );
};
