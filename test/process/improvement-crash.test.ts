import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createFeatures } from '../../src/features.js';
import { aiResponses } from '../../src/infra/db/schema.js';
import { findJob } from '../../src/jobs/job-repository.js';
import { createLogger } from '../../src/logger.js';
import { startServices } from '../../src/process/start-services.js';
import { registerPerson } from '../support/browser.js';
import { CliProcess } from '../support/cli-process.js';
import { fakeModel } from '../support/fake-model.js';
import { startFakeOpenAi } from '../support/fake-openai.js';
import { TEST_SECRET_KEY, createTestDatabase, storageTargets, uniqueName } from '../support/harness.js';
import { improvementSettled, questionnaireWithCv } from '../support/improvements.js';
import { testRedisUrl } from '../support/test-env.js';
import { waitFor } from '../support/wait-for.js';

describe.runIf(storageTargets()[1]?.available)('a worker killed in the middle of a call to the language model', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('leaves the improvement to run again, and it ends with exactly one result', async () => {
    const fake = await startFakeOpenAi({ respond: fakeModel(), apiKey: 'sk-test-key' });
    cleanups.push(() => fake.close());
    // The first call never answers: the worker is killed while it waits.
    fake.enqueue({ hang: true });

    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cvimprover-improve-crash-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const env: Record<string, string> = {
      DATABASE_URL: database.url,
      SECRET_KEY: TEST_SECRET_KEY,
      DATA_DIR: dataDir,
      JOB_LEASE_SECONDS: '2',
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: uniqueName('cvitest'),
      LLM_PROVIDER: 'openai',
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: 'sk-test-key',
      LLM_TIMEOUT_SECONDS: '60',
    };
    // This process plays the API.
    const services = await startServices(loadConfig(env), { logger: createLogger('silent'), role: 'api', schema: 'as-is' });
    cleanups.push(() => services.close());
    const app = await buildApp(services, createFeatures(services));
    cleanups.push(() => app.close());
    const alice = await registerPerson(app, 'alice');
    const cv = JSON.parse(await readFile('test/fixtures/improvements/jane-roe.resume.json', 'utf8')) as object;
    const questionnaire = await questionnaireWithCv(app, alice.auth, cv);
    const accepted = await app.inject({ method: 'POST', url: '/cv/ai-responses/', headers: alice.auth, payload: { questionnaire, prompt: 'Tailor my CV to this role, please.' } });
    expect(accepted.statusCode).toBe(202);
    const { id } = accepted.json<{ id: number }>();

    const first = new CliProcess(['worker'], env);
    cleanups.push(() => first.stop());
    await waitFor(async () => fake.requests.length >= 1, 30_000, 'the first worker to call the model');
    first.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    const second = new CliProcess(['worker'], env);
    cleanups.push(() => second.stop());
    const done = await improvementSettled(app, alice.auth, id, 60_000);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.response_text).toContain('Jane Roe');
    expect(fake.requests).toHaveLength(2);

    const db = services.database.db;
    const [rows] = await db.select({ total: count() }).from(aiResponses).where(eq(aiResponses.questionnaireId, questionnaire));
    expect(rows?.total).toBe(1);
    const [row] = await db.select().from(aiResponses).where(eq(aiResponses.id, id));
    const job = row?.jobId ? await findJob(db, row.jobId) : undefined;
    expect(job).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(job?.lockedBy).toMatch(new RegExp(`:${second.pid}:worker$`));
    expect(await second.stop()).toBe(0);
  });
});
