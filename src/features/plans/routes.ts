import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../../http/common-schemas.js';
import { PlanListQuery, PlanSchema } from './schema.js';
import type { PlanService } from './service.js';

export const planRoutes: FastifyPluginAsyncTypebox<{ plans: PlanService }> = async (app, { plans }) => {
  app.get(
    '/core/plans/',
    {
      schema: {
        tags: ['core'],
        summary: 'The plans, cheapest first; is_current marks the caller’s',
        querystring: PlanListQuery,
        response: { 200: Type.Array(PlanSchema), ...errorResponses(400, 401, 503) },
      },
    },
    async (request) => plans.list(request.query.billing, request.auth?.user.planId),
  );
};
