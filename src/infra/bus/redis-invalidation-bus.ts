import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { connectRedis } from '../redis/connection.js';
import type { InvalidationBus, InvalidationListener } from './invalidation-bus.js';

/** How often the subscription proves it is alive, and how old its last proof may be. */
const HEARTBEAT_MS = 200;
const LIVE_WINDOW_MS = 600;

interface Message {
  topic: string;
  id: string;
  /** The publishing process, which has delivered the message to itself already. */
  origin: string;
}

function parseMessage(raw: string): Message | undefined {
  try {
    const value = JSON.parse(raw) as Partial<Message>;
    return typeof value.topic === 'string' && typeof value.id === 'string' && typeof value.origin === 'string' ? (value as Message) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Invalidations over Redis pub/sub. Pub/sub keeps nothing for a subscriber that is away, so the
 * subscription proves it is alive with a PING every 200 ms; when its last answer is older than
 * 600 ms (Redis down or hung) the bus says it is not live, and caches that rely on it step aside
 * until it is back, then start empty.
 */
export class RedisInvalidationBus implements InvalidationBus {
  readonly kind = 'redis';
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly subscriber: Redis;
  private readonly listeners: InvalidationListener[] = [];
  private readonly livenessListeners: ((live: boolean) => void)[] = [];
  private readonly heartbeat: NodeJS.Timeout;
  private lastPong = 0;
  private live = false;
  /** Whether the subscription stands on the current connection (a new connection subscribes again). */
  private subscribed = false;

  constructor(
    redisUrl: string,
    prefix: string,
    private readonly publisher: Redis,
    private readonly logger: Logger,
  ) {
    this.channel = `${prefix}:invalidate`;
    this.subscriber = connectRedis(redisUrl, 'invalidation-subscriber', logger);
    this.subscriber.on('message', (_channel: string, raw: string) => this.receive(raw));
    // Subscribed on every (re)connection, and only then live: what was published meanwhile is lost.
    this.subscriber.on('ready', () => this.subscribeNow());
    // A lost connection may have lost messages: said at once, not at the next heartbeat.
    this.subscriber.on('close', () => {
      this.subscribed = false;
      this.checkLiveness();
    });
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private subscribeNow(): void {
    this.subscriber
      .subscribe(this.channel)
      .then(() => {
        this.subscribed = true;
        this.checkLiveness();
      })
      // Not live until it succeeds; the next reconnection tries again.
      .catch((error: unknown) => this.logger.warn({ err: error }, 'subscribing to invalidations failed'));
  }

  private beat(): void {
    // Checked on every tick as well as when the ping settles: a hung Redis answers late or never, and
    // its silence must count from the moment the last answer grows too old.
    this.checkLiveness();
    this.subscriber
      .ping()
      .then(() => {
        this.lastPong = Date.now();
      })
      // A missed heartbeat is the signal itself: liveness below turns false and the cache steps aside.
      .catch((error: unknown) => this.logger.debug({ err: error }, 'invalidation heartbeat failed'))
      .finally(() => this.checkLiveness());
  }

  /**
   * Whether the subscription is up and answered a heartbeat lately; any change is told to the
   * listeners here, so whoever sees it first (a heartbeat, a lost connection, a cache look-up) does.
   */
  private checkLiveness(): boolean {
    const live = this.subscribed && this.subscriber.status === 'ready' && Date.now() - this.lastPong < LIVE_WINDOW_MS;
    if (live === this.live) return live;
    this.live = live;
    if (live) this.logger.info('invalidations flowing again; in-process caches start empty');
    else this.logger.warn('invalidations may be missed (Redis unavailable); in-process caches are bypassed');
    for (const listener of this.livenessListeners) listener(live);
    return live;
  }

  private receive(raw: string): void {
    const message = parseMessage(raw);
    if (!message) {
      this.logger.warn({ channel: this.channel }, 'ignored a malformed invalidation message');
      return;
    }
    if (message.origin === this.origin) return;
    this.deliver(message.topic, message.id);
  }

  private deliver(topic: string, id: string): void {
    for (const listener of this.listeners) listener(topic, id);
  }

  async publish(topic: string, id: string): Promise<void> {
    this.deliver(topic, id);
    const message: Message = { topic, id, origin: this.origin };
    try {
      await this.publisher.publish(this.channel, JSON.stringify(message));
    } catch (error) {
      // The change is committed and this process knows; others hear of it only if Redis came back
      // before their heartbeats noticed it was gone (then they start empty anyway).
      this.logger.error({ err: error, topic, id }, 'publishing an invalidation failed');
    }
  }

  /** Resolves once the bus is live, or after `ms` (a process may start while Redis is away). */
  async liveWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.isLive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.isLive();
  }

  subscribe(listener: InvalidationListener): void {
    this.listeners.push(listener);
  }

  isLive(): boolean {
    return this.checkLiveness();
  }

  onLivenessChange(listener: (live: boolean) => void): void {
    this.livenessListeners.push(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.listeners.length = 0;
    this.livenessListeners.length = 0;
    await this.subscriber.quit().catch((error: unknown) => {
      this.logger.debug({ err: error }, 'closing the invalidation subscriber failed; dropping its connection');
      this.subscriber.disconnect();
    });
  }
}
