// The stores @fastify/rate-limit ships (CommonJS, without type declarations of their own).

interface PluginStoreEntry {
  current: number;
  ttl: number;
}

declare module '@fastify/rate-limit/store/LocalStore.js' {
  class LocalStore {
    constructor(continueExceeding: boolean, exponentialBackoff: boolean, cache?: number);
    incr(key: string, callback: (error: Error | null, result?: PluginStoreEntry) => void, timeWindow: number, max: number): void;
    /** toad-cache's LRU map of key → counter; read only to report a counter without counting. */
    readonly lru: { get(key: string): (PluginStoreEntry & { iterationStartMs: number }) | undefined; delete(key: string): void };
  }
  export = LocalStore;
}

declare module '@fastify/rate-limit/store/RedisStore.js' {
  import type { Redis } from 'ioredis';
  class RedisStore {
    constructor(continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis, key?: string);
    incr(key: string, callback: (error: Error | null, result?: PluginStoreEntry) => void, timeWindow: number, max: number): void;
  }
  export = RedisStore;
}
