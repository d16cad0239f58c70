import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthReportSchema } from './schema.js';
import type { HealthService } from './service.js';

export const healthRoutes: FastifyPluginAsyncTypebox<{ health: HealthService }> = async (app, { health }) => {
  app.get(
    '/core/health/',
    {
      schema: {
        tags: ['core'],
        summary: 'Health of the database, Redis, the job queue and the LLM provider',
        response: { 200: HealthReportSchema, 503: HealthReportSchema },
      },
    },
    async (_request, reply) => {
      const report = await health.check();
      return reply.code(report.overall === 'healthy' ? 200 : 503).header('cache-control', 'no-store').send(report);
    },
  );
};
