import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, isNotNull, sql } from 'drizzle-orm';
import { jobs, queueProbes } from '../../infra/db/schema.js';
import { buildApp } from '../../app.js';
import { createFeatures } from '../../features.js';
import { queueProbeKind } from './jobs.js';
import { startWorker, type RunningWorker } from '../../process/worker-role.js';
import { createTestApp, storageTargets, type TestApp } from '../../../test/support/harness.js';
import { waitFor } from '../../../test/support/wait-for.js';

// Every suite has an app of its own, and three of them wait out a check's time limit: the suites run side
// by side. The tests within a suite build on one another, so they run in order.
for (const target of storageTargets()) {
  describe.runIf(target.available).concurrent(`GET /core/health/ on ${target.name}`, () => {
    let testApp: TestApp;
    let worker: RunningWorker;

    beforeAll(async () => {
      testApp = await createTestApp(target.name);
      worker = startWorker(testApp.services, testApp.features);
    });
    afterAll(async () => {
      await worker.stop(1000);
      await testApp.close();
    });

    it.sequential('is healthy once a probe job has gone through a worker thread', async () => {
      // The first probe starts a worker thread (at batch priority, on a busy machine that can take a
      // few seconds): asked again, as a client at start-up would, the answer turns healthy.
      const response = await waitFor(
        async () => {
          const answer = await testApp.app.inject({ method: 'GET', url: '/core/health/' });
          return answer.statusCode === 200 ? answer : undefined;
        },
        20_000,
        'a healthy answer',
        200,
      );
      expect(response.json()).toEqual({
        overall: 'healthy',
        services: { db: 'healthy', redis: target.name === 'pglite' ? 'skipped' : 'healthy', queue: 'healthy', llm: 'offline' },
        engines:
          target.name === 'pglite'
            ? { db: 'pglite', queue: 'in-process', cache: 'memory', llm: 'offline' }
            : { db: 'postgres', queue: 'bullmq', cache: 'redis', llm: 'offline' },
      });
      // A slow machine may have sent a second probe while the first travelled; each that arrived ran once.
      const completed = (await testApp.services.database.db.select().from(queueProbes)).filter((probe) => probe.completedAt !== null);
      expect(completed.length).toBeGreaterThanOrEqual(1);
      for (const probe of completed) {
        expect(probe.completedBy).toBe(testApp.services.processLabel);
        expect(probe.completions).toBe(1);
        expect(probe.cpuThreadId).toBeGreaterThan(0); // ran in a worker thread, not the main one
      }
    });

    it.sequential('clears out probes older than a day when it sends a new one', async () => {
      const db = testApp.services.database.db;
      await db.update(jobs).set({ createdAt: sql`now() - interval '2 days'` }).where(eq(jobs.kind, queueProbeKind.kind));
      // Make the last probe stale too, so the next check sends a fresh one; a process that has not
      // seen the old probe complete (this one remembers it for a while) has to look.
      await db.update(queueProbes).set({ completedAt: sql`now() - interval '2 days'`, createdAt: sql`now() - interval '2 days'` });
      const freshProcess = await buildApp(testApp.services, createFeatures(testApp.services));
      const response = await waitFor(
        async () => {
          const answer = await freshProcess.inject({ method: 'GET', url: '/core/health/' });
          return answer.statusCode === 200 ? answer : undefined;
        },
        20_000,
        'a healthy answer from the fresh process',
        200,
      );
      await freshProcess.close();
      expect(response.statusCode).toBe(200);
      const remaining = await db.select().from(jobs).where(eq(jobs.kind, queueProbeKind.kind));
      expect(remaining).toHaveLength(1);
      expect(Date.now() - (remaining[0]?.createdAt.getTime() ?? 0)).toBeLessThan(60_000);
    });

    it.sequential('reuses a recent probe instead of sending one per request', async () => {
      const before = await testApp.services.database.db.select().from(queueProbes);
      const responses = await Promise.all([1, 2, 3].map(() => testApp.app.inject({ method: 'GET', url: '/core/health/' })));
      expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200]);
      const after = await testApp.services.database.db.select().from(queueProbes);
      expect(after).toHaveLength(before.length);
    });
  });

  describe.runIf(target.available).concurrent(`GET /core/health/ with no worker on ${target.name}`, () => {
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await createTestApp(target.name);
    });
    afterAll(async () => testApp.close());

    it('reports the queue unhealthy with 503 when no worker takes the probe', async () => {
      const response = await testApp.app.inject({ method: 'GET', url: '/core/health/' });
      expect(response.statusCode).toBe(503);
      const body = response.json<{ overall: string; services: Record<string, string> }>();
      expect(body.overall).toBe('unhealthy');
      expect(body.services.db).toBe('healthy');
      expect(body.services.queue).toBe('unhealthy');
      const [probe] = await testApp.services.database.db.select().from(queueProbes);
      expect(probe?.completedAt).toBeNull();
    });

    it.sequential('answers at once from a probe seen within a minute while a new one travels, and waits once it is older', async () => {
      const db = testApp.services.database.db;
      const answer = async () => {
        // A process of its own each time: it knows only what the probes table says.
        const process = await buildApp(testApp.services, createFeatures(testApp.services));
        try {
          return (await process.inject({ method: 'GET', url: '/core/health/' })).json<{ services: Record<string, string> }>().services.queue;
        } finally {
          await process.close();
        }
      };
      // A probe went through half a minute ago: a queue busy with other jobs is not a broken one.
      await db.update(queueProbes).set({ completedAt: sql`now() - interval '30 seconds'` });
      const probesBefore = (await db.select().from(queueProbes)).length;
      expect(await answer()).toBe('healthy');
      // ...and a new probe was sent behind the answer, for the next checks.
      await waitFor(async () => (await db.select().from(queueProbes)).length > probesBefore, 5000, 'a probe sent in the background');
      // Two minutes without a probe: the check waits for one, and none comes.
      await db.update(queueProbes).set({ completedAt: sql`now() - interval '2 minutes'` }).where(isNotNull(queueProbes.completedAt));
      expect(await answer()).toBe('unhealthy');
    });
  });
}

describe.runIf(storageTargets()[1]?.available).concurrent('GET /core/health/ with Redis unreachable', () => {
  it('answers 503 naming redis, instead of failing the request', async () => {
    const broken = await createTestApp('postgres+redis', { REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const response = await broken.app.inject({ method: 'GET', url: '/core/health/' });
      expect(response.statusCode).toBe(503);
      const body = response.json<{ services: Record<string, string> }>();
      expect(body.services.redis).toBe('unhealthy');
      expect(body.services.db).toBe('healthy');
      expect(body.services.queue).toBe('unhealthy');
    } finally {
      await broken.close();
    }
  });
});
