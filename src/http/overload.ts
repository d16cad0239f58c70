import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { getHeapStatistics } from 'node:v8';
import type { Database } from '../infra/db/database.js';
import type { errorCatalogue } from './errors.js';

const RETRY_AFTER_SECONDS = 2;
// Requests waiting for a database connection beyond this mean the database cannot keep up: new ones
// are refused at once rather than queued behind them.
const MAX_WAITING_FOR_DATABASE = 40;
// An overload refuses many requests; it is reported once per interval, each request has its own line anyway.
const REPORT_INTERVAL_MS = 10_000;

/**
 * Sheds load early with 503 and Retry-After, instead of queueing requests until they time out:
 * while the event loop lags, the heap is nearly full, or requests pile up waiting for the database.
 */
export async function shedOverload(app: FastifyInstance, options: { maxEventLoopDelayMs: number; database: Database }): Promise<void> {
  let lastReport = 0;
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    maxHeapUsedBytes: Math.floor(getHeapStatistics().heap_size_limit * 0.9),
    sampleInterval: 250,
    healthCheck: async () => options.database.waitingForConnection() <= MAX_WAITING_FOR_DATABASE,
    healthCheckInterval: 250,
    pressureHandler: (request, reply, type, value) => {
      if (Date.now() - lastReport > REPORT_INTERVAL_MS) {
        lastReport = Date.now();
        request.log.warn({ pressure: type, value }, 'overloaded: refusing requests with 503');
      }
      void reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .type('application/json; charset=utf-8')
        .serializer(JSON.stringify)
        .send({ detail: 'The service is overloaded; try again shortly.', code: 'service_unavailable' satisfies keyof typeof errorCatalogue });
    },
  });
}
