import { describe, expect, it } from 'vitest';
import { LocalInvalidationBus, type InvalidationBus, type InvalidationListener } from '../../../infra/bus/invalidation-bus.js';
import type { UserRow } from '../../users/repository.js';
import { SessionCache, type SessionSnapshot } from './session-cache.js';

function snapshot(familyId: string, userId: number, firstName = 'Ada'): SessionSnapshot {
  return { user: { id: userId, firstName } as UserRow, plan: null, familyId, authenticatedAt: new Date() };
}

/** A bus whose liveness the test decides, as Redis going away and coming back would. */
class SwitchableBus implements InvalidationBus {
  readonly kind = 'redis';
  live = true;
  private readonly local = new LocalInvalidationBus();
  private readonly livenessListeners: ((live: boolean) => void)[] = [];
  publish(topic: string, id: string) {
    return this.local.publish(topic, id);
  }
  subscribe(listener: InvalidationListener) {
    this.local.subscribe(listener);
  }
  isLive() {
    return this.live;
  }
  onLivenessChange(listener: (live: boolean) => void) {
    this.livenessListeners.push(listener);
  }
  switchTo(live: boolean) {
    this.live = live;
    for (const listener of this.livenessListeners) listener(live);
  }
  close() {
    return this.local.close();
  }
}

describe('the session cache', () => {
  it('reads once, then answers from memory until the user or the sign-in changes', async () => {
    const cache = new SessionCache(new LocalInvalidationBus());
    let reads = 0;
    const load = async () => {
      reads++;
      return snapshot('f1', 1);
    };
    await cache.getOrLoad('f1', 1, load);
    await cache.getOrLoad('f1', 1, load);
    expect(reads).toBe(1);
    await cache.invalidateUser(1);
    await cache.getOrLoad('f1', 1, load);
    expect(reads).toBe(2);
    await cache.invalidateFamily('f1');
    await cache.getOrLoad('f1', 1, load);
    expect(reads).toBe(3);
    // A token of another user naming this family is not answered from it.
    expect(await cache.getOrLoad('f1', 2, async () => undefined)).toBeUndefined();
  });

  it('does not keep what it read when an invalidation arrived during the read', async () => {
    const cache = new SessionCache(new LocalInvalidationBus());
    let release: () => void = () => undefined;
    const slowRead = cache.getOrLoad('f1', 1, async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return snapshot('f1', 1, 'Before');
    });
    // The row changes (and is announced) while the read that saw the old row is still on its way.
    await cache.invalidateUser(1);
    release();
    expect((await slowRead)?.user.firstName).toBe('Before');
    const next = await cache.getOrLoad('f1', 1, async () => snapshot('f1', 1, 'After'));
    expect(next?.user.firstName).toBe('After');
  });

  it('is bypassed while the bus cannot vouch for it, and starts empty when it can again', async () => {
    const bus = new SwitchableBus();
    const cache = new SessionCache(bus);
    let reads = 0;
    const load = async () => {
      reads++;
      return snapshot('f1', 1);
    };
    await cache.getOrLoad('f1', 1, load);
    bus.switchTo(false);
    await cache.getOrLoad('f1', 1, load);
    await cache.getOrLoad('f1', 1, load);
    expect(reads).toBe(3);
    bus.switchTo(true);
    await cache.getOrLoad('f1', 1, load);
    await cache.getOrLoad('f1', 1, load);
    expect(reads).toBe(4);
  });
});
