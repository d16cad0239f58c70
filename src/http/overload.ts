import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { getHeapStatistics } from 'node:v8';
import { sendError } from './error-handler.js';

const RETRY_AFTER_SECONDS = 2;
// An overload refuses many requests; it is reported once per interval, each request has its own line anyway.
const REPORT_INTERVAL_MS = 10_000;
// Start-up compiles every route's schemas in one go, which stalls the loop once: that lag is not load.
export const STARTUP_GRACE_MS = 2000;

/**
 * Sheds load early with 503 and Retry-After, instead of queueing requests until they time out:
 * while the event loop lags or the heap is nearly full. (A request waiting for a database connection
 * gives up after two seconds with a 503 of its own.)
 */
export async function shedOverload(app: FastifyInstance, options: { maxEventLoopDelayMs: number }): Promise<void> {
  if (options.maxEventLoopDelayMs === 0) return;
  let lastReport = 0;
  let steadyFrom = Number.POSITIVE_INFINITY;
  app.addHook('onReady', async () => {
    steadyFrom = Date.now() + STARTUP_GRACE_MS;
  });
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    maxHeapUsedBytes: Math.floor(getHeapStatistics().heap_size_limit * 0.9),
    sampleInterval: 250,
    pressureHandler: (request, reply, type, value) => {
      if (type === 'eventLoopDelay' && Date.now() < steadyFrom) return;
      if (Date.now() - lastReport > REPORT_INTERVAL_MS) {
        lastReport = Date.now();
        request.log.warn({ pressure: type, value }, 'overloaded: refusing requests with 503');
      }
      void sendError(reply, 'service_unavailable', 'The service is overloaded; try again shortly.', { 'retry-after': String(RETRY_AFTER_SECONDS) });
    },
  });
}
