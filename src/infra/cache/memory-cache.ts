import { LRUCache } from 'lru-cache';
import type { Cache } from './cache.js';

/** The cache of a single process: bounded in entries, each entry with its own time to live. */
export class MemoryCache implements Cache {
  readonly kind = 'memory';
  private readonly entries = new LRUCache<string, { value: unknown }>({ max: 50_000, ttlAutopurge: false });

  get<T>(key: string): Promise<T | undefined> {
    const entry = this.entries.get(key);
    // A copy, as Redis would give: callers may change what they read.
    return Promise.resolve(entry ? (structuredClone(entry.value) as T) : undefined);
  }

  set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value: structuredClone(value) }, { ttl: ttlSeconds * 1000 });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}
