import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Bounds on every Redis call a request can make: a Redis that is down or hung costs a request at most this. */
const CONNECT_TIMEOUT_MS = 2000;
const COMMAND_TIMEOUT_MS = 1000;

export interface RedisConnectionOptions {
  /**
   * For BullMQ's worker, whose commands block on Redis by design: no command timeout, and commands
   * wait for a reconnection instead of failing.
   */
  blocking?: boolean;
}

/**
 * A Redis connection that fails fast when Redis is away (no offline queue, a timeout on each
 * command) and reconnects by itself. Its failures are logged once per outage, with the cause, and
 * its recovery once; the commands that fail meanwhile are handled by whoever sent them.
 */
export function connectRedis(url: string, name: string, logger: Logger, options: RedisConnectionOptions = {}): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    ...(options.blocking
      ? { maxRetriesPerRequest: null, enableOfflineQueue: true }
      : { maxRetriesPerRequest: 0, enableOfflineQueue: false, commandTimeout: COMMAND_TIMEOUT_MS }),
  });
  const log = logger.child({ redis: name });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) {
      log.debug({ err: error }, 'Redis still unavailable');
      return;
    }
    down = true;
    log.warn({ err: error }, 'Redis connection failed; retrying');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info('Redis connection restored');
  });
  return redis;
}

/**
 * Waits for the connection to be ready, for at most `ms`: a process starting while Redis is away
 * starts anyway (and degrades), but one starting beside a healthy Redis does not fail its first requests.
 */
export async function readyWithin(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.on('ready', onReady);
  });
}
