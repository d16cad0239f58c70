import { buildApp, type App } from '../app.js';
import type { Config } from '../config.js';
import { createServices, type Services } from '../services.js';
import { startWorker, type RunningWorker } from './worker-role.js';
import type { Logger } from 'pino';

/** How long jobs in flight may take to finish at shutdown before they are handed back. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface ProcessRoles {
  api: boolean;
  worker: boolean;
}

/**
 * Starts the roles this process plays and stops them in a fixed order on SIGTERM/SIGINT:
 * stop accepting requests, finish or hand back jobs, close pools.
 */
export async function runProcess(config: Config, logger: Logger, roles: ProcessRoles): Promise<void> {
  const role = roles.api && roles.worker ? 'all' : roles.api ? 'api' : 'worker';
  const services: Services = await createServices(config, { logger, role });
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
      await app?.close();
      await worker?.stop(SHUTDOWN_GRACE_MS);
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

  if (roles.worker) worker = startWorker(services);
  if (roles.api) {
    app = await buildApp(services);
    await app.listen({ port: config.port, host: config.host });
  }
  logger.info({ role, db: services.database.driver, queue: services.queue.kind }, 'ready');
}
