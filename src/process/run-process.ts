import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { buildApp, type App } from '../app.js';
import type { Config } from '../config.js';
import { createFeatures } from '../features.js';
import type { Services } from '../services.js';
import { schemaPolicyFor, startServices } from './start-services.js';
import { startWorker, type RunningWorker } from './worker-role.js';

export interface ProcessRoles {
  api: boolean;
  worker: boolean;
}

/** At shutdown, how long connections may take to deliver what their clients had already sent. */
const DRAIN_MS = 2000;
/** Requests already on the wire but not yet read are given at least this long to be read. */
const MIN_DRAIN_MS = 100;

function openConnections(app: App): Promise<number> {
  return new Promise((resolve, reject) => app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

/**
 * Stops the API without dropping a request a client has sent. First it drains: it keeps serving,
 * and every answer asks its client to close its connection, until the connections are gone (or two
 * seconds pass). Then it stops accepting and lets the requests in flight finish, for what is left of
 * `graceMs`; only the connections still open after that are cut.
 */
async function closeApp(app: App, graceMs: number, logger: Logger): Promise<void> {
  const deadline = Date.now() + graceMs;
  app.draining = true;
  const drainUntil = Date.now() + Math.min(DRAIN_MS, graceMs);
  await sleep(Math.min(MIN_DRAIN_MS, graceMs));
  while (Date.now() < drainUntil && (await openConnections(app)) > 0) await sleep(25);
  const force = setTimeout(
    () => {
      logger.warn({ graceMs }, 'requests still in flight after the shutdown grace period; closing their connections');
      app.server.closeAllConnections();
    },
    Math.max(0, deadline - Date.now()),
  );
  try {
    await app.close();
  } finally {
    clearTimeout(force);
  }
}

/**
 * Starts the roles this process plays and stops them in a fixed order on SIGTERM/SIGINT: stop
 * accepting requests and finish those in flight, finish or hand back jobs, close pools.
 */
export async function runProcess(config: Config, logger: Logger, roles: ProcessRoles): Promise<void> {
  const role = roles.api && roles.worker ? 'all' : roles.api ? 'api' : 'worker';
  const services: Services = await startServices(config, { logger, role, schema: schemaPolicyFor(config) });
  const features = createFeatures(services);
  const graceMs = config.shutdownGraceSeconds * 1000;
  let app: App | undefined;
  let worker: RunningWorker | undefined;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      // Requests and jobs finish side by side: a request may be waiting for a job (Prefer: wait).
      await Promise.all([app ? closeApp(app, graceMs, logger) : undefined, worker?.stop(graceMs)]);
      await services.close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  if (roles.worker) worker = startWorker(services, features);
  if (roles.api) {
    app = await buildApp(services, features);
    await app.listen({ port: config.port, host: config.host });
  }
  logger.info({ role, db: services.database.driver, queue: services.queue.kind }, 'ready');
}
