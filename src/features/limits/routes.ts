import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../http/common-schemas.js';
import { requireUser, signedIn } from '../auth/sessions/authenticate.js';
import { RateLimitStatusSchema } from './schema.js';
import type { QuotaService } from './service.js';

export const limitRoutes: FastifyPluginAsyncTypebox<{ quotas: QuotaService }> = async (app, { quotas }) => {
  app.get(
    '/core/rate-limits/status/',
    {
      schema: {
        tags: ['core'],
        summary: "The caller's limits as they are enforced: daily allowances and the hourly API calls, used and left",
        security: signedIn,
        response: { 200: RateLimitStatusSchema, ...errorResponses(401, 429, 503) },
      },
    },
    async (request) => {
      const auth = requireUser(request);
      return quotas.status(auth.user);
    },
  );
};
