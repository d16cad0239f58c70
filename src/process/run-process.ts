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

/**
 * Stops accepting connections and lets the requests in flight finish, for at most `graceMs`; then
 * the connections still open are cut. Idle keep-alive connections are closed at once.
 */
async function closeApp(app: App, graceMs: number, logger: Logger): Promise<void> {
  const deadline = setTimeout(() => {
    logger.warn({ graceMs }, 'requests still in flight after the shutdown grace period; closing their connections');
    app.server.closeAllConnections();
  }, graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(deadline);
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
