import LocalStore from '@fastify/rate-limit/store/LocalStore.js';
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { withTimeout } from '../../lib/with-timeout.js';

/** An outage is reported at most this often: a busy service would otherwise log it on every request. */
const FAILURE_LOG_INTERVAL_MS = 60_000;
/** A count that takes longer than this is given up on: the request goes through uncounted. */
const COUNT_BUDGET_MS = 500;
/** After a failure, counting is not tried again for this long, so an outage costs requests nothing. */
const RETRY_AFTER_FAILURE_MS = 5_000;
/** Counters kept in memory at most (least recently used go first). */
const MEMORY_KEYS = 100_000;

/** What @fastify/rate-limit passes a store: the limiter's options, of which the store reads its namespace. */
export interface StoreOptions {
  nameSpace?: string;
}

/** The store interface @fastify/rate-limit calls. */
export interface PluginStore {
  incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, windowMs: number, max: number): void;
  child(options: StoreOptions): PluginStore;
}

/** A counter as it stands: requests counted in the window, and milliseconds until the window ends. */
export interface Counter {
  current: number;
  ttlMs: number;
}

/** The operations of @fastify/rate-limit's store (increment within a window), plus reading and clearing a counter. */
interface CounterBackend {
  incr(key: string, windowMs: number, max: number): Promise<Counter>;
  peek(key: string, windowMs: number): Promise<Counter | undefined>;
  reset(key: string): Promise<void>;
}

function incrWith(store: LocalStore | RedisStore, key: string, windowMs: number, max: number): Promise<Counter> {
  return new Promise((resolve, reject) => {
    store.incr(
      key,
      (error, result) => (error || !result ? reject(error ?? new Error('rate-limit store answered nothing')) : resolve({ current: result.current, ttlMs: result.ttl })),
      windowMs,
      max,
    );
  });
}

class MemoryCounters implements CounterBackend {
  private readonly store = new LocalStore(false, false, MEMORY_KEYS);

  incr(key: string, windowMs: number, max: number): Promise<Counter> {
    return incrWith(this.store, key, windowMs, max);
  }

  async peek(key: string, windowMs: number): Promise<Counter | undefined> {
    const entry = this.store.lru.get(key);
    if (!entry) return undefined;
    const ttlMs = entry.iterationStartMs + windowMs - Date.now();
    return ttlMs > 0 ? { current: entry.current, ttlMs } : undefined;
  }

  async reset(key: string): Promise<void> {
    this.store.lru.delete(key);
  }
}

class RedisCounters implements CounterBackend {
  private readonly store: RedisStore;

  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {
    this.store = new RedisStore(false, false, redis, namespace);
  }

  incr(key: string, windowMs: number, max: number): Promise<Counter> {
    return incrWith(this.store, key, windowMs, max);
  }

  async peek(key: string): Promise<Counter | undefined> {
    const full = this.namespace + key;
    const [current, ttl] = await Promise.all([this.redis.get(full), this.redis.pttl(full)]);
    if (current === null || ttl <= 0) return undefined;
    return { current: Number(current), ttlMs: ttl };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.namespace + key);
  }
}

/**
 * Request counters for @fastify/rate-limit, shared by every API process through Redis in scale-out
 * and in memory when embedded. A Redis that cannot answer fails open: the caller is let through, and
 * the outage is logged at most once a minute. The connection fails fast (no offline queue, a
 * command timeout), so no request waits long on it.
 */
export class CounterStore {
  private lastFailureLog = 0;
  private skipUntil = 0;

  private constructor(
    readonly kind: 'redis' | 'memory',
    private readonly backend: CounterBackend,
    private readonly logger: Logger,
  ) {}

  static inMemory(logger: Logger): CounterStore {
    return new CounterStore('memory', new MemoryCounters(), logger);
  }

  static inRedis(redis: Redis, prefix: string, logger: Logger): CounterStore {
    return new CounterStore('redis', new RedisCounters(redis, `${prefix}:rate:`), logger);
  }

  /**
   * The store class @fastify/rate-limit builds its limiters on (its `store` option). Each limiter's
   * child store counts under the limiter's `nameSpace`. A failure is logged here and handed on, so
   * the plugin (with `skipOnError`) lets the request through.
   */
  pluginStore(): new (options: StoreOptions) => PluginStore {
    const increment = (key: string, windowMs: number, max: number) => this.increment(key, windowMs, max);
    class Store implements PluginStore {
      private readonly namespace: string;

      constructor(options: StoreOptions) {
        this.namespace = options.nameSpace ?? '';
      }

      incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, windowMs: number, max: number): void {
        increment(this.namespace + key, windowMs, max).then(
          (counter) => callback(null, { current: counter.current, ttl: counter.ttlMs }),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      }

      child(options: StoreOptions): PluginStore {
        return new Store(options);
      }
    }
    return Store;
  }

  /**
   * Counts within a time budget. A failure is reported, and for a few seconds afterwards counting is
   * not even tried: during an outage requests pass at once instead of each waiting out a timeout.
   */
  private async increment(key: string, windowMs: number, max: number): Promise<Counter> {
    if (Date.now() < this.skipUntil) throw new Error('rate-limit counters unavailable (a recent attempt failed)');
    try {
      return await withTimeout(this.backend.incr(key, windowMs, max), COUNT_BUDGET_MS, 'a rate-limit count');
    } catch (error) {
      this.skipUntil = Date.now() + RETRY_AFTER_FAILURE_MS;
      this.unavailable(error);
      throw error;
    }
  }

  /** The counter without counting; undefined when it is not running or cannot be reached. */
  async peek(key: string, windowMs: number): Promise<Counter | undefined> {
    if (Date.now() < this.skipUntil) return undefined;
    try {
      return await this.backend.peek(key, windowMs);
    } catch (error) {
      this.unavailable(error);
      return undefined;
    }
  }

  /** Starts the counter again from zero. Failures are the caller's to report. */
  reset(key: string): Promise<void> {
    return this.backend.reset(key);
  }

  private unavailable(error: unknown): void {
    if (Date.now() - this.lastFailureLog < FAILURE_LOG_INTERVAL_MS) return;
    this.lastFailureLog = Date.now();
    this.logger.warn({ err: error }, 'rate limits are not enforced: their counters in Redis cannot be reached, so requests are let through (daily allowances, kept in PostgreSQL, still hold)');
  }
}
