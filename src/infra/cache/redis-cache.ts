import type { Redis } from 'ioredis';
import type { Cache } from './cache.js';

/** The cache shared by every process, in Redis under the deployment's key prefix. */
export class RedisCache implements Cache {
  readonly kind = 'redis';

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(key: string): string {
    return `${this.prefix}:cache:${key}`;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.key(key));
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.key(key), JSON.stringify(value), 'EX', ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }

  async increment(key: string, windowSeconds: number): Promise<number> {
    const fullKey = this.key(key);
    // EXPIRE NX sets the window on the first increment only, atomically with it.
    const results = await this.redis.multi().incr(fullKey).expire(fullKey, windowSeconds, 'NX').exec();
    const [error, count] = results?.[0] ?? [new Error('Redis transaction was discarded'), null];
    if (error) throw error;
    return Number(count);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    // QUIT needs a live connection; with Redis gone, just drop the socket.
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
