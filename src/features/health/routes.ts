import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../../services.js';
import { HealthReportSchema } from './schema.js';
import { HealthService } from './service.js';

export const healthRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const health = new HealthService(services);

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
