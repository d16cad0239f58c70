import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Cache } from './cache.js';

/** A Redis that is down is reported at most this often; the connection logs the outage itself. */
const FAILURE_LOG_INTERVAL_MS = 60_000;

/**
 * The cache shared by every process, in Redis under the deployment's key prefix. When Redis cannot
 * answer, reads miss and writes are skipped: whatever was cached is fetched again from its source.
 */
export class RedisCache implements Cache {
  readonly kind = 'redis';
  private lastFailureLog = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  private key(key: string): string {
    return `${this.prefix}:cache:${key}`;
  }

  private degraded(error: unknown, operation: string): void {
    if (Date.now() - this.lastFailureLog < FAILURE_LOG_INTERVAL_MS) return;
    this.lastFailureLog = Date.now();
    this.logger.warn({ err: error, operation }, 'Redis cache unavailable; reading from the source instead');
  }

  async get<T>(key: string): Promise<T | undefined> {
    let raw: string | null;
    try {
      raw = await this.redis.get(this.key(key));
    } catch (error) {
      this.degraded(error, 'get');
      return undefined;
    }
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    try {
      await this.redis.set(this.key(key), JSON.stringify(value), 'EX', ttlSeconds);
    } catch (error) {
      this.degraded(error, 'set');
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.redis.del(this.key(key));
    } catch (error) {
      this.degraded(error, 'delete');
    }
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    // QUIT needs a live connection; with Redis gone, just drop the socket.
    try {
      await this.redis.quit();
    } catch (error) {
      this.logger.debug({ err: error }, 'Redis QUIT failed; dropping the connection');
      this.redis.disconnect();
    }
  }
}
