/** Short-lived shared values: prices, counters for limits. Values are JSON. */
export interface Cache {
  readonly kind: 'redis' | 'memory';
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Adds one to a counter that expires `windowSeconds` after its first increment; returns the new count. */
  increment(key: string, windowSeconds: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
