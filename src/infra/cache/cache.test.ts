import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { storageTargets, uniqueName } from '../../../test/support/harness.js';
import { testRedisUrl } from '../../../test/support/test-env.js';
import type { Cache } from './cache.js';
import { createLogger } from '../../logger.js';
import { MemoryCache } from './memory-cache.js';
import { RedisCache } from './redis-cache.js';

const implementations: { name: string; available: boolean; make: () => Cache }[] = [
  { name: 'memory', available: true, make: () => new MemoryCache() },
  {
    name: 'redis',
    available: storageTargets()[1]?.available ?? false,
    make: () => new RedisCache(new Redis(testRedisUrl), uniqueName('cvitest'), createLogger('silent')),
  },
];

// Each test has keys of its own, and the first waits for a time to live to run out: all run side by side.
for (const implementation of implementations) {
  describe.runIf(implementation.available).concurrent(`${implementation.name} cache`, () => {
    const cache = implementation.make();
    afterAll(async () => cache.close());

    it('keeps JSON values until their time to live runs out', async () => {
      await cache.set('price', { amount: 5, currency: 'USD' }, 1);
      expect(await cache.get('price')).toEqual({ amount: 5, currency: 'USD' });
      expect(await cache.get('missing')).toBeUndefined();
      await sleep(1100);
      expect(await cache.get('price')).toBeUndefined();
    });

    it('hands out copies: changing a value read does not change the cache', async () => {
      await cache.set('list', [1, 2], 60);
      const first = await cache.get<number[]>('list');
      first?.push(3);
      expect(await cache.get('list')).toEqual([1, 2]);
    });

    it('deletes', async () => {
      await cache.set('gone', 1, 60);
      await cache.delete('gone');
      expect(await cache.get('gone')).toBeUndefined();
    });
  });
}
