import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { storageTargets, uniqueName } from '../../../test/support/harness.js';
import { redisServerInstalled, startOwnRedis, type OwnRedis } from '../../../test/support/own-redis.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { createLogger } from '../../logger.js';
import { connectRedis } from '../redis/connection.js';
import { RedisInvalidationBus } from './redis-invalidation-bus.js';

const available = storageTargets()[1]?.available === true && (process.env.CI === 'true' || (await redisServerInstalled()));

describe.runIf(available)('invalidations over Redis', () => {
  let redis: OwnRedis;
  const opened: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    redis = await startOwnRedis();
  });
  afterEach(async () => {
    for (const item of opened.splice(0)) await item.close();
  });
  afterAll(async () => redis.close());

  /** A bus as a process has it: its own publishing connection, live before it is used. */
  async function openBus(prefix: string): Promise<RedisInvalidationBus> {
    const logger = createLogger('silent');
    const publisher = connectRedis(redis.url, 'commands', logger);
    const bus = new RedisInvalidationBus(redis.url, prefix, publisher, logger);
    opened.push(bus, { close: async () => void publisher.disconnect() });
    expect(await bus.liveWithin(5000)).toBe(true);
    return bus;
  }

  it('delivers to every process once, the publishing one at once', async () => {
    const prefix = uniqueName('cvitest');
    const [first, second] = await Promise.all([openBus(prefix), openBus(prefix)]);
    const heard = { first: [] as string[], second: [] as string[] };
    first.subscribe((topic, id) => heard.first.push(`${topic}:${id}`));
    second.subscribe((topic, id) => heard.second.push(`${topic}:${id}`));
    await first.publish('user', '7');
    expect(heard.first).toEqual(['user:7']);
    await waitFor(async () => heard.second.length > 0, 2000, 'the other process to hear of it');
    expect(heard.second).toEqual(['user:7']);
    // The publisher hears its own message back from Redis too, and does not deliver it twice.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard.first).toEqual(['user:7']);
  });

  it('says when it may have missed something, even a connection lost for less than a heartbeat', async () => {
    const bus = await openBus(uniqueName('cvitest'));
    const changes: boolean[] = [];
    bus.onLivenessChange((live) => changes.push(live));
    await redis.stop();
    await redis.start();
    await waitFor(async () => changes.length >= 2, 5000, `the bus to be live again (so far ${JSON.stringify(changes)})`);
    // Whatever was published while it was away is lost: caches built on it were told to start empty.
    expect(changes).toEqual([false, true]);
  });

  it('stops vouching for itself while Redis hangs, and again once it answers', async () => {
    const bus = await openBus(uniqueName('cvitest'));
    const changes: boolean[] = [];
    bus.onLivenessChange((live) => changes.push(live));
    await redis.pause();
    try {
      const paused = Date.now();
      await waitFor(async () => !bus.isLive(), 2000, 'the bus to stop vouching');
      expect(Date.now() - paused).toBeLessThan(1000);
    } finally {
      await redis.resume();
    }
    await waitFor(async () => bus.isLive(), 5000, 'the bus to be live again');
    await waitFor(async () => changes.length >= 2, 2000, `both changes to be told (so far ${JSON.stringify(changes)})`);
    expect(changes).toEqual([false, true]);
  });
});
