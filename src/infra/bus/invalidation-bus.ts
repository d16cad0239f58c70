/** Receives each invalidation: what was cached under `topic`/`id` is stale. */
export type InvalidationListener = (topic: string, id: string) => void;

/**
 * Tells every process of the deployment that something it may hold in memory has changed, so that
 * in-process caches can be exact. Publishing delivers to this process at once.
 */
export interface InvalidationBus {
  readonly kind: 'redis' | 'local';
  publish(topic: string, id: string): Promise<void>;
  subscribe(listener: InvalidationListener): void;
  /**
   * False while messages from other processes could be missed (Redis down or hung): nothing cached
   * on the strength of this bus may then be used.
   */
  isLive(): boolean;
  /** Called whenever isLive() changes: what was cached before may have missed messages. */
  onLivenessChange(listener: (live: boolean) => void): void;
  close(): Promise<void>;
}

/** The bus of a deployment that is one process (the embedded layout): every change happens here. */
export class LocalInvalidationBus implements InvalidationBus {
  readonly kind = 'local';
  private readonly listeners: InvalidationListener[] = [];

  publish(topic: string, id: string): Promise<void> {
    for (const listener of this.listeners) listener(topic, id);
    return Promise.resolve();
  }

  subscribe(listener: InvalidationListener): void {
    this.listeners.push(listener);
  }

  isLive(): boolean {
    return true;
  }

  onLivenessChange(): void {
    // Always live: nothing to report.
  }

  close(): Promise<void> {
    this.listeners.length = 0;
    return Promise.resolve();
  }
}
