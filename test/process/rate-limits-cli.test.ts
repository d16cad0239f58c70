import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { RateLimitStatusBody } from '../../src/features/limits/schema.js';
import { plans, users } from '../../src/infra/db/schema.js';
import { registerPerson } from '../support/browser.js';
import { runCli } from '../support/cli-process.js';
import { createTestApp, storageTargets, type TestApp } from '../support/harness.js';
import { questionnaireFields } from '../support/improvements.js';

/** Runs the built command to completion; only errors are logged, so its standard output is its answer. */
const rateLimits = (args: string[], env: Record<string, string>) => runCli(['rate-limits', ...args], { ...env, LOG_LEVEL: 'error' });
const FREE_QUESTIONNAIRES = 5;
const plansCommand = (args: string[], env: Record<string, string>) => runCli(['plans', ...args], { ...env, LOG_LEVEL: 'error' });

/** The status body without its reset times, which move with the clock between two readings. */
function withoutResetTimes(body: RateLimitStatusBody): unknown {
  return { ...body, rate_limits: Object.fromEntries(Object.entries(body.rate_limits).map(([scope, { reset_at: _resetAt, ...rest }]) => [scope, rest])) };
}

/**
 * `cvimprover rate-limits show|reset` on the API's own PostgreSQL database and Redis prefix: what it
 * shows is what the status endpoint says, and what it resets the API lets through again.
 */
describe.runIf(storageTargets()[1]?.available)('cvimprover rate-limits', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await createTestApp('postgres+redis', {}, { allowances: 'seeded' });
  });
  afterAll(async () => {
    await testApp?.close();
  });

  type Person = Awaited<ReturnType<typeof registerPerson>>;
  const newQuestionnaire = (person: Person) => testApp.app.inject({ method: 'POST', url: '/cv/questionnaire/', headers: person.auth, payload: questionnaireFields });
  const status = async (person: Person) => {
    const response = await testApp.app.inject({ method: 'GET', url: '/core/rate-limits/status/', headers: person.auth });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<RateLimitStatusBody>();
  };

  it('shows the plan and every scope as the status endpoint does, as a table and as JSON', async () => {
    const person = await registerPerson(testApp.app, 'shown');
    for (let i = 0; i < 2; i++) expect((await newQuestionnaire(person)).statusCode).toBe(201);
    const expected = await status(person);
    expect(expected.rate_limits.questionnaires.used).toBe(2);
    expect(expected.rate_limits.api_calls.used).toBe(2);

    // Side by side: each command takes seconds to load the service, and none changes anything.
    const [shown, json, one] = await Promise.all([
      rateLimits(['show', '--user', person.email], testApp.env),
      rateLimits(['show', '--user', person.username, '--json'], testApp.env),
      rateLimits(['show', '--user', person.username, '--scope', 'questionnaires'], testApp.env),
    ]);
    expect(shown.code, shown.stderr).toBe(0);
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${person.username} <${person.email}>, plan Free`);
    expect(lines[1]?.split(/\s+/)).toEqual(['scope', 'limit', 'used', 'remaining', 'status', 'resets', 'at']);
    const rows = new Map(lines.slice(2, -1).map((line) => {
      const [scope = '', ...cells] = line.split(/\s+/);
      return [scope, cells];
    }));
    expect([...rows.keys()]).toEqual(Object.keys(expected.rate_limits));
    for (const [scope, entry] of Object.entries(expected.rate_limits)) {
      const [limit, used, remaining, state, resetAt] = rows.get(scope) ?? [];
      expect({ scope, limit, used, remaining, state }).toEqual({ scope, limit: String(entry.limit), used: String(entry.used), remaining: String(entry.remaining), state: entry.status });
      expect(Number.isNaN(Date.parse(resetAt ?? ''))).toBe(false);
    }
    expect(lines.at(-1)).toBe(`upgrade: ${expected.upgrade_recommendation.reason}`);

    expect(json.code, json.stderr).toBe(0);
    expect(withoutResetTimes(JSON.parse(json.stdout) as RateLimitStatusBody)).toEqual(withoutResetTimes(await status(person)));

    // One scope asked for, one row shown.
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout.trimEnd().split('\n').slice(2, -1).map((line) => line.split(/\s+/)[0])).toEqual(['questionnaires']);
  });

  it('resets one scope of a person: the next request the API refused is accepted', async () => {
    const person = await registerPerson(testApp.app, 'reset');
    while ((await status(person)).rate_limits.questionnaires.remaining > 0) expect((await newQuestionnaire(person)).statusCode).toBe(201);
    const refused = await newQuestionnaire(person);
    expect(refused.statusCode, refused.body).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'quota_exceeded', scope: 'questionnaires' });

    const reset = await rateLimits(['reset', '--user', person.username, '--scope', 'questionnaires'], testApp.env);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toBe(`reset questionnaires for ${person.username}: ${FREE_QUESTIONNAIRES} usage records forgotten, 0 request counters cleared\n`);
    expect((await status(person)).rate_limits.questionnaires).toMatchObject({ used: 0, remaining: FREE_QUESTIONNAIRES });
    const accepted = await newQuestionnaire(person);
    expect(accepted.statusCode, accepted.body).toBe(201);
    // The hourly count, a counter in Redis, was left alone.
    expect((await status(person)).rate_limits.api_calls.used).toBeGreaterThan(0);

    // And that counter is what `--scope api_calls` clears.
    const calls = await rateLimits(['reset', '--user', person.email, '--scope', 'api_calls'], testApp.env);
    expect(calls.code, calls.stderr).toBe(0);
    expect(calls.stdout).toContain('0 usage records forgotten, 1 request counters cleared');
    expect((await status(person)).rate_limits.api_calls.used).toBe(0);
  });

  it('refuses an unknown account, scope or action with exit code 2 and a message on its error output', async () => {
    const person = await registerPerson(testApp.app, 'kept');
    expect((await newQuestionnaire(person)).statusCode).toBe(201);
    const [nobody, scope, action] = await Promise.all([
      rateLimits(['show', '--user', 'nobody-at-all'], testApp.env),
      rateLimits(['reset', '--user', person.username, '--scope', 'everything'], testApp.env),
      rateLimits(['forget', '--user', person.username], testApp.env),
    ]);
    expect(nobody).toMatchObject({ code: 2, stdout: '' });
    expect(nobody.stderr).toContain('no account with the username or e-mail "nobody-at-all"');

    expect(scope).toMatchObject({ code: 2, stdout: '' });
    expect(scope.stderr).toContain('unknown scope "everything"');

    expect(action).toMatchObject({ code: 2, stdout: '' });
    expect(action.stderr).toContain('unknown action "forget"');

    // Nothing was reset by any of them.
    expect((await status(person)).rate_limits.questionnaires.used).toBe(1);
  });

  it('changes a plan\'s limits with plans set, which the API then enforces, and refuses what it cannot set', async () => {
    const person = await registerPerson(testApp.app, 'planned');
    const [basic] = await testApp.services.database.db.select().from(plans).where(eq(plans.name, 'Basic'));
    await testApp.services.database.db.update(users).set({ planId: basic?.id ?? null }).where(eq(users.id, person.id));

    const set = await plansCommand(['set', 'Basic', '--questionnaires', '2', '--cv-uploads', '7'], testApp.env);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout.split('\n')[1]?.split(/\s+/)).toEqual(['Basic', '20', '2', '20', '7', '300', '30']);
    const listed = await plansCommand(['list'], testApp.env);
    expect(listed.stdout.split('\n').find((line) => line.startsWith('Basic'))?.split(/\s+/)).toEqual(['Basic', '20', '2', '20', '7', '300', '30']);

    expect((await status(person)).rate_limits.questionnaires).toMatchObject({ limit: 2, used: 0 });
    for (let i = 0; i < 2; i++) expect((await newQuestionnaire(person)).statusCode).toBe(201);
    expect((await newQuestionnaire(person)).statusCode).toBe(429);

    const [unknown, nothing] = await Promise.all([plansCommand(['set', 'Gold', '--burst', '3'], testApp.env), plansCommand(['set', 'Basic'], testApp.env)]);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain('no plan named "Gold"');
    expect(nothing).toMatchObject({ code: 2, stdout: '' });
    expect(nothing.stderr).toContain('nothing to set');
  });
});
