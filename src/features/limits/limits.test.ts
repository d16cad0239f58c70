import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson } from '../../../test/support/browser.js';
import { fakeModel } from '../../../test/support/fake-model.js';
import { startFakeOpenAi, type FakeLlmServer, type FakeReply, type FakeLlmRequest } from '../../../test/support/fake-openai.js';
import { createTestApp, storageTargets, type TestApp } from '../../../test/support/harness.js';
import { questionnaireFields, questionnaireWithCv } from '../../../test/support/improvements.js';
import { multipartBody } from '../../../test/support/multipart.js';
import { plans, usageRecords, users } from '../../infra/db/schema.js';
import { startWorker, type RunningWorker } from '../../process/worker-role.js';
import { counterKey, personKey } from './rate-policies.js';
import type { QuotaScope } from './scopes.js';
import type { RateLimitStatusBody } from './schema.js';

type Person = Awaited<ReturnType<typeof registerPerson>>;

interface QuotaRefusal {
  code: string;
  error: string;
  message: string;
  scope: string;
  limit_info: { limit: number; used: number; remaining: number; reset_at: string; current_plan: string };
  upgrade_suggestion: { message: string; recommended_plan: string; upgrade_url: string } | null;
}

const PLAN_ORDER = ['Free', 'Basic', 'Pro', 'Premium'] as const;
type PlanName = (typeof PLAN_ORDER)[number];

const resumeFixture = async () => JSON.parse(await readFile('test/fixtures/improvements/jane-roe.resume.json', 'utf8')) as object;

for (const target of storageTargets()) {
  describe.runIf(target.available)(`daily allowances and rate limits on ${target.name}`, () => {
    let fake: FakeLlmServer;
    let testApp: TestApp;
    let worker: RunningWorker;
    let model: (request: FakeLlmRequest) => FakeReply = fakeModel();
    let resume: object;

    beforeAll(async () => {
      fake = await startFakeOpenAi({ respond: (request) => model(request), apiKey: 'sk-test-key' });
      testApp = await createTestApp(
        target.name,
        { OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: fake.url, LLM_MAX_ATTEMPTS: '1', LLM_TIMEOUT_SECONDS: '5' },
        { allowances: 'seeded' },
      );
      worker = startWorker(testApp.services, testApp.features);
      resume = await resumeFixture();
    });
    afterAll(async () => {
      await worker.stop(1000);
      await testApp.close();
      await fake.close();
    });

    const db = () => testApp.services.database.db;

    async function planId(name: PlanName): Promise<number> {
      const [row] = await db().select({ id: plans.id }).from(plans).where(eq(plans.name, name));
      if (!row) throw new Error(`no plan ${name}`);
      return row.id;
    }

    async function limitOf(name: PlanName, scope: QuotaScope): Promise<number> {
      const [row] = await db().select().from(plans).where(eq(plans.name, name));
      if (!row) throw new Error(`no plan ${name}`);
      return { ai_responses: row.aiResponsesPerDay, questionnaires: row.questionnairesPerDay, uploads: row.uploadsPerDay, cv_uploads: row.cvUploadsPerDay }[scope];
    }

    async function onPlan(person: Person, name: PlanName): Promise<void> {
      await db().update(users).set({ planId: await planId(name) }).where(eq(users.id, person.id));
    }

    /** Earlier usage of today, as the rows the accepted requests would have left. */
    async function usedAlready(person: Person, scope: QuotaScope, count: number): Promise<void> {
      if (count > 0) await db().insert(usageRecords).values(Array.from({ length: count }, () => ({ userId: person.id, scope, jobId: null })));
    }

    const post = (person: Person, url: string, payload: object, headers: Record<string, string> = {}) =>
      testApp.app.inject({ method: 'POST', url, headers: { ...person.auth, ...headers }, payload });

    /** One request of a scope, of the kind a client sends; its status code. */
    async function spend(person: Person, scope: QuotaScope, questionnaire: number): Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }> {
      switch (scope) {
        case 'questionnaires':
          return post(person, '/cv/questionnaire/', questionnaireFields);
        case 'ai_responses':
          return post(person, '/cv/ai-responses/', { questionnaire, prompt: 'Tailor my CV to this backend role, please.' });
        case 'uploads':
          return post(person, `/cv/questionnaire/${questionnaire}/documents/`, {});
        case 'cv_uploads': {
          const form = await multipartBody({}, { resume: { bytes: new TextEncoder().encode('Jane Roe\nBackend engineer\n\nExperience\nAcme, 2019 - 2024\n'), fileName: 'cv.txt', type: 'text/plain' } });
          return testApp.app.inject({ method: 'PATCH', url: `/cv/questionnaire/${questionnaire}/`, headers: { ...person.auth, 'content-type': form.contentType }, payload: form.payload });
        }
      }
    }

    const accepted = (statusCode: number) => statusCode >= 200 && statusCode < 300;

    async function status(person: Person): Promise<RateLimitStatusBody> {
      const response = await testApp.app.inject({ method: 'GET', url: '/core/rate-limits/status/', headers: person.auth });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<RateLimitStatusBody>();
    }

    function expectRefusal(response: { statusCode: number; body: string; headers: Record<string, unknown> }, scope: QuotaScope, limit: number, plan: PlanName): QuotaRefusal {
      expect(response.statusCode, response.body).toBe(429);
      const body = JSON.parse(response.body) as QuotaRefusal;
      expect(body).toMatchObject({ code: 'quota_exceeded', error: 'rate_limit_exceeded', scope, limit_info: { limit, used: limit, remaining: 0, current_plan: plan } });
      const next = PLAN_ORDER[PLAN_ORDER.indexOf(plan) + 1];
      if (next) expect(body.upgrade_suggestion).toMatchObject({ recommended_plan: next, upgrade_url: '/core/plans/' });
      else expect(body.upgrade_suggestion).toBeNull();
      const retryAfter = Number(response.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
      expect(Date.parse(body.limit_info.reset_at)).toBeGreaterThan(Date.now());
      return body;
    }

    it('on Free, allows exactly N of each scope through the API and refuses the next, storing nothing for it', async () => {
      const person = await registerPerson(testApp.app, 'free');
      const questionnaire = await questionnaireWithCv(testApp.app, person.auth, resume);
      for (const scope of ['ai_responses', 'uploads', 'cv_uploads', 'questionnaires'] as const) {
        const limit = await limitOf('Free', scope);
        // The questionnaire made above counts already.
        const already = scope === 'questionnaires' ? 1 : 0;
        for (let i = already; i < limit; i++) {
          const response = await spend(person, scope, questionnaire);
          expect(accepted(response.statusCode), `${scope} #${i + 1}: ${response.body}`).toBe(true);
          // An improvement says what is left of the day's allowance, as the upstream's answer did.
          if (scope === 'ai_responses') expect(JSON.parse(response.body)).toMatchObject({ rate_limit_info: { limit, remaining: limit - i - 1 } });
        }
        const countBefore = (await db().select().from(usageRecords).where(eq(usageRecords.userId, person.id))).length;
        expectRefusal(await spend(person, scope, questionnaire), scope, limit, 'Free');
        // The refusal wrote no usage, and started no job.
        expect((await db().select().from(usageRecords).where(eq(usageRecords.userId, person.id))).length).toBe(countBefore);
      }
      const listed = await testApp.app.inject({ method: 'GET', url: '/cv/questionnaire/', headers: person.auth });
      expect(listed.json<unknown[]>()).toHaveLength(await limitOf('Free', 'questionnaires'));
    });

    it('on every paid plan, the Nth of each scope is allowed and the N+1th refused', async () => {
      for (const plan of ['Basic', 'Pro', 'Premium'] as const) {
        const person = await registerPerson(testApp.app, plan.toLowerCase());
        const questionnaire = await questionnaireWithCv(testApp.app, person.auth, resume);
        await onPlan(person, plan);
        for (const scope of ['ai_responses', 'uploads', 'cv_uploads', 'questionnaires'] as const) {
          const limit = await limitOf(plan, scope);
          expect(limit).toBeGreaterThan(await limitOf('Free', scope));
          await usedAlready(person, scope, limit - 1 - (scope === 'questionnaires' ? 1 : 0));
          const last = await spend(person, scope, questionnaire);
          expect(accepted(last.statusCode), `${plan} ${scope}: ${last.body}`).toBe(true);
          expectRefusal(await spend(person, scope, questionnaire), scope, limit, plan);
        }
      }
    });

    it('gives back what a failed improvement took; an upgrade raises the allowance on the next request', { timeout: 60_000 }, async () => {
      const person = await registerPerson(testApp.app, 'failing');
      const questionnaire = await questionnaireWithCv(testApp.app, person.auth, resume);
      // Waited for in the request: polling would spend the hourly API calls this test is not about.
      const improve = () => post(person, '/cv/ai-responses/', { questionnaire, prompt: 'Tailor my CV to this backend role, please.' }, { prefer: 'wait=30' });

      model = () => ({ status: 401, message: 'Incorrect API key provided' });
      for (let i = 0; i < 3; i++) {
        const response = await improve();
        expect(response.json<{ code: string }>().code, response.body).toBe('llm_config');
      }
      model = fakeModel();
      const free = await limitOf('Free', 'ai_responses');
      expect((await status(person)).rate_limits.ai_responses).toMatchObject({ limit: free, used: 0, remaining: free });
      for (let i = 0; i < free; i++) {
        const response = await improve();
        expect(response.statusCode, response.body.slice(0, 300)).toBe(201);
        expect(response.json<{ status: string }>().status).toBe('succeeded');
      }
      expectRefusal(await improve(), 'ai_responses', free, 'Free');

      await onPlan(person, 'Basic');
      const upgraded = await improve();
      expect(upgraded.statusCode, upgraded.body.slice(0, 300)).toBe(201);
      const after = await status(person);
      expect(after.user.plan).toBe('Basic');
      expect(after.rate_limits.ai_responses).toMatchObject({ limit: await limitOf('Basic', 'ai_responses'), used: free + 1 });
    });

    it('reports in the status endpoint exactly what enforcement does', async () => {
      const person = await registerPerson(testApp.app, 'status');
      const questionnaire = await questionnaireWithCv(testApp.app, person.auth, resume);
      let cvCalls = 2; // the questionnaire and the import
      expect(accepted((await spend(person, 'questionnaires', questionnaire)).statusCode)).toBe(true);
      expect(accepted((await spend(person, 'uploads', questionnaire)).statusCode)).toBe(true);
      cvCalls += 2;
      for (let i = 0; i < 7; i++) {
        const listed = await testApp.app.inject({ method: 'GET', url: '/cv/questionnaire/', headers: person.auth });
        expect(listed.statusCode).toBe(200);
        cvCalls += 1;
        // Every /cv/ answer says where the hourly count stands.
        expect(listed.headers['ratelimit-policy']).toContain('"api_calls";q=100;w=3600');
      }
      const last = await testApp.app.inject({ method: 'GET', url: '/cv/questionnaire/', headers: person.auth });
      cvCalls += 1;
      expect(last.headers.ratelimit).toBe(`"api_calls";r=${100 - cvCalls};t=${/t=(\d+)/.exec(String(last.headers.ratelimit))?.[1]}`);

      const body = await status(person);
      expect(body.user).toMatchObject({ username: person.username, plan: 'Free' });
      expect(body.rate_limits.questionnaires).toMatchObject({ limit: 5, used: 2, remaining: 3, percentage_used: 40, status: 'healthy' });
      expect(body.rate_limits.uploads).toMatchObject({ limit: 3, used: 1, remaining: 2, percentage_used: 33.33, status: 'healthy' });
      expect(body.rate_limits.ai_responses).toMatchObject({ limit: 3, used: 0, remaining: 3 });
      expect(body.rate_limits.api_calls).toMatchObject({ limit: 100, used: cvCalls, remaining: 100 - cvCalls });
      expect(body.upgrade_recommendation).toMatchObject({ should_upgrade: false, recommended_plan: null });

      // What it says is left is what is let through, to the request.
      for (let i = 0; i < body.rate_limits.questionnaires.remaining; i++) expect(accepted((await spend(person, 'questionnaires', questionnaire)).statusCode)).toBe(true);
      expectRefusal(await spend(person, 'questionnaires', questionnaire), 'questionnaires', 5, 'Free');
      const full = await status(person);
      expect(full.rate_limits.questionnaires).toMatchObject({ used: 5, remaining: 0, percentage_used: 100, status: 'critical' });
      expect(full.upgrade_recommendation).toMatchObject({ should_upgrade: true, recommended_plan: 'Basic', upgrade_url: '/core/plans/', high_usage_scopes: ['questionnaires'] });
    });

    it('holds each plan to its hourly API calls, and says so in the upstream’s body with an upgrade', async () => {
      for (const plan of PLAN_ORDER) {
        const person = await registerPerson(testApp.app, `calls${plan}`);
        await onPlan(person, plan);
        // A new sign-in carries the plan just set.
        const login = await testApp.app.inject({ method: 'POST', url: '/auth/login/', payload: { username: person.username, password: person.password } });
        const auth = { authorization: `Bearer ${login.json<{ access: string }>().access}` };
        const [row] = await db().select().from(plans).where(eq(plans.name, plan));
        const limit = row?.apiCallsPerHour ?? 0;
        // The counters the limit counts on, filled as far as one short of the limit by earlier calls.
        const counted = limit - 1;
        await fillCounter(person.id, counted);
        const lastAllowed = await testApp.app.inject({ method: 'GET', url: '/cv/questionnaire/', headers: auth });
        expect(lastAllowed.statusCode, lastAllowed.body).toBe(200);
        expect(lastAllowed.headers.ratelimit).toMatch(/^"api_calls";r=0;t=\d+$/);
        const refused = await testApp.app.inject({ method: 'GET', url: '/cv/questionnaire/', headers: auth });
        expect(refused.statusCode, refused.body).toBe(429);
        const body = refused.json<QuotaRefusal & { detail: string }>();
        expect(body).toMatchObject({ code: 'throttled', error: 'rate_limit_exceeded', message: 'Too many requests. Please try again later.', scope: 'api_calls', limit_info: { limit, remaining: 0, current_plan: plan } });
        expect(body.detail).toMatch(/^Request was throttled\. Expected available in \d+ seconds\.$/);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        const next = PLAN_ORDER[PLAN_ORDER.indexOf(plan) + 1];
        expect(body.upgrade_suggestion?.recommended_plan ?? null).toBe(next ?? null);
        // Other people are not held back by it.
        const other = await registerPerson(testApp.app, 'bystander');
        expect((await testApp.app.inject({ method: 'GET', url: '/cv/questionnaire/', headers: other.auth })).statusCode).toBe(200);
      }
    });

    /** Earlier calls of this hour, counted on the same counter through the same store the limit uses. */
    async function fillCounter(userId: number, count: number): Promise<void> {
      const Store = testApp.services.counters.pluginStore();
      const store = new Store({});
      const key = counterKey('api_calls', personKey(userId));
      for (let i = 0; i < count; i++) {
        await new Promise<void>((resolve, reject) => store.incr(key, (error) => (error ? reject(error) : resolve()), 3_600_000, count + 1));
      }
    }
  });
}
