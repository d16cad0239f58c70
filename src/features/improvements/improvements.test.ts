import { readFile } from 'node:fs/promises';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson } from '../../../test/support/browser.js';
import { createTestApp, storageTargets, type TestApp } from '../../../test/support/harness.js';
import { improvementSettled, questionnaireFields, questionnaireWithCv, type ImprovementState } from '../../../test/support/improvements.js';
import { truncatedDocx } from '../../../test/support/hostile-files.js';
import { multipartBody } from '../../../test/support/multipart.js';
import { aiResponses, jobs } from '../../infra/db/schema.js';
import { startWorker, type RunningWorker } from '../../process/worker-role.js';

type Person = Awaited<ReturnType<typeof registerPerson>>;

const janeRoe = async () => JSON.parse(await readFile('test/fixtures/improvements/jane-roe.resume.json', 'utf8')) as Record<string, unknown>;
const prompt = 'Tailor my CV to this backend role, please.';

for (const target of storageTargets()) {
  describe.runIf(target.available)(`improvements with the offline improver on ${target.name}`, () => {
    let testApp: TestApp;
    let worker: RunningWorker;
    let alice: Person;
    let bob: Person;
    let questionnaire: number;

    beforeAll(async () => {
      testApp = await createTestApp(target.name);
      worker = startWorker(testApp.services, testApp.features);
      [alice, bob] = await Promise.all([registerPerson(testApp.app, 'alice'), registerPerson(testApp.app, 'bob')]);
      questionnaire = await questionnaireWithCv(testApp.app, alice.auth, await janeRoe());
    });
    afterAll(async () => {
      await worker.stop(1000);
      await testApp.close();
    });

    const post = (payload: object, headers: Record<string, string> = {}, person: Person = alice) =>
      testApp.app.inject({ method: 'POST', url: '/cv/ai-responses/', headers: { ...person.auth, ...headers }, payload });

    const improvementRows = async (questionnaireId: number) => {
      const [row] = await testApp.services.database.db.select({ total: count() }).from(aiResponses).where(eq(aiResponses.questionnaireId, questionnaireId));
      return row?.total ?? 0;
    };

    it('refuses what the upstream refused, with its error bodies, and stores nothing', async () => {
      const cases: [object, number, string][] = [
        [{ questionnaire }, 400, 'Both questionnaire ID and prompt are required.'],
        [{ prompt }, 400, 'Both questionnaire ID and prompt are required.'],
        [{ questionnaire, prompt: '   short   ' }, 400, 'Prompt must be at least 10 characters long.'],
        [{ questionnaire, prompt: 'x'.repeat(5001) }, 400, 'Prompt must be less than 5000 characters.'],
        [{ questionnaire: 'seven', prompt }, 404, 'Questionnaire not found or you do not have permission to access it.'],
        [{ questionnaire: 999_999, prompt }, 404, 'Questionnaire not found or you do not have permission to access it.'],
      ];
      for (const [payload, status, message] of cases) {
        const response = await post(payload);
        expect(response.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(status);
        expect(response.json()).toMatchObject({ error: message, detail: message });
      }
      // Another person's questionnaire is as unknown as one that does not exist.
      const foreign = await post({ questionnaire, prompt }, {}, bob);
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json()).toMatchObject({ error: 'Questionnaire not found or you do not have permission to access it.' });
      expect(await improvementRows(questionnaire)).toBe(0);
    });

    it('refuses a questionnaire with no CV, saying what to do', async () => {
      const created = await testApp.app.inject({ method: 'POST', url: '/cv/questionnaire/', headers: alice.auth, payload: questionnaireFields });
      const response = await post({ questionnaire: created.json<{ id: number }>().id, prompt });
      expect(response.statusCode).toBe(400);
      expect(response.json<{ error: string }>().error).toMatch(/no CV yet/);
    });

    it('answers 202 at once, runs the job, and names what the offline improver changed', async () => {
      const response = await post({ questionnaire, prompt });
      expect(response.statusCode, response.body).toBe(202);
      const accepted = response.json<ImprovementState>();
      expect(accepted).toMatchObject({ questionnaire, response_text: null, resume: null });
      expect(['queued', 'running']).toContain(accepted.status);
      expect(response.headers.location).toBe(accepted.links.self);

      const done = await improvementSettled(testApp.app, alice.auth, accepted.id);
      expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
      expect(done.progress).toBe(100);
      expect(done.usage).toMatchObject({ provider: 'offline', input_tokens: 0, output_tokens: 0, calls: 0 });

      // The weak opening of a past role's bullet became a strong past-tense verb, and the change says why.
      const work = (done.resume as { work: { name: string; highlights: string[] }[] }).work;
      const beta = work.find((entry) => entry.name === 'Beta Systems');
      expect(beta?.highlights.some((line) => /^Maintained the PostgreSQL schema for 2 million customers/.test(line))).toBe(true);
      expect(beta?.highlights.some((line) => /^Responsible for/.test(line))).toBe(false);
      const rewrite = done.changes.find((change) => change.before?.startsWith('Responsible for maintaining'));
      expect(rewrite?.kind).toBe('changed');
      expect(rewrite?.reason).toMatch(/verb/i);

      // The Markdown is the improved CV, with the contact details that never left the server.
      expect(done.response_text).toContain('Jane Roe');
      expect(done.response_text).toContain('jane.roe@example.org');
      expect(done.response_text).toContain('Maintained the PostgreSQL schema');

      // Measured before and after; the offline rules invent nothing.
      expect(done.analysis.before?.keywords.total).toBeGreaterThan(0);
      expect(done.analysis.after?.fabrications).toEqual([]);
      expect(done.analysis.after?.gaps).toEqual(done.analysis.before?.keywords.missing.map((finding) => finding.keyword));
    });

    it('with Prefer: wait answers 201 with the result in the upstream shape', async () => {
      const response = await post({ questionnaire, prompt }, { prefer: 'wait=20' });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.headers['preference-applied']).toBe('wait=20');
      const body = response.json<ImprovementState & { created_at: string }>();
      expect(body).toMatchObject({ questionnaire, status: 'succeeded' });
      expect(typeof body.id).toBe('number');
      expect(body.response_text?.length).toBeGreaterThan(200);
      expect(Date.parse(body.created_at)).not.toBeNaN();
    });

    it('with an Idempotency-Key returns the same improvement and starts one job; another body with that key is 422', async () => {
      const before = await improvementRows(questionnaire);
      const key = `retry-${target.name}-${Date.now()}`;
      const responses = await Promise.all([post({ questionnaire, prompt }, { 'idempotency-key': key }), post({ questionnaire, prompt }, { 'idempotency-key': key })]);
      const again = await post({ questionnaire, prompt }, { 'idempotency-key': key });
      const ids = [...responses, again].map((response) => response.json<ImprovementState>().id);
      expect(new Set(ids).size).toBe(1);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await improvementRows(questionnaire)).toBe(before + 1);
      const [jobRows] = await testApp.services.database.db.select({ total: count() }).from(jobs).where(eq(jobs.kind, 'cv_improvement'));
      const improvementsSoFar = (await testApp.app.inject({ method: 'GET', url: '/cv/ai-responses/', headers: alice.auth })).json<unknown[]>().length;
      expect(jobRows?.total).toBe(improvementsSoFar);

      const other = await post({ questionnaire, prompt: `${prompt} Keep it to one page.` }, { 'idempotency-key': key });
      expect(other.statusCode).toBe(422);
      expect(other.json()).toMatchObject({ code: 'idempotency_key_reused' });
      expect(await improvementRows(questionnaire)).toBe(before + 1);
      // The same key is another person's own: no clash between people.
      const bobs = await post({ questionnaire, prompt }, { 'idempotency-key': key }, bob);
      expect(bobs.statusCode).toBe(404);
    });

    it('lists the caller’s own improvements newest first, paged on request, and hides others’', async () => {
      const list = (person: Person, query = '') => testApp.app.inject({ method: 'GET', url: `/cv/ai-responses/${query}`, headers: person.auth });
      const all = (await list(alice)).json<ImprovementState[]>();
      expect(all.length).toBeGreaterThanOrEqual(3);
      expect(all.map((item) => item.id)).toEqual([...all.map((item) => item.id)].sort((a, b) => b - a));
      const page = (await list(alice, '?page=2&page_size=1')).json<{ count: number; next: string | null; previous: string | null; results: ImprovementState[] }>();
      expect(page.count).toBe(all.length);
      expect(page.results.map((item) => item.id)).toEqual([all[1]?.id]);
      expect(page.previous).toContain('page=1');
      expect((await list(bob)).json()).toEqual([]);
      const first = all[0];
      if (!first) throw new Error('no improvement listed');
      const foreign = await testApp.app.inject({ method: 'GET', url: `/cv/ai-responses/${first.id}/`, headers: bob.auth });
      expect(foreign.statusCode).toBe(404);
    });

    it('streams status and progress as Server-Sent Events, ends with the result, and tells a reconnect to stop', async () => {
      const accepted = (await post({ questionnaire, prompt })).json<ImprovementState>();
      const stream = await testApp.app.inject({ method: 'GET', url: `/cv/ai-responses/${accepted.id}/events/`, headers: alice.auth });
      expect(stream.statusCode).toBe(200);
      expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
      const events = stream.body
        .split('\n\n')
        .filter((block) => block.includes('data: '))
        .map((block) => ({ event: /event: (\w+)/.exec(block)?.[1], data: JSON.parse(/data: (.*)/.exec(block)?.[1] ?? 'null') as ImprovementState }));
      const last = events.at(-1);
      expect(last?.event).toBe('done');
      expect(last?.data).toMatchObject({ id: accepted.id, status: 'succeeded', progress: 100 });
      const statuses = events.filter((item) => item.event === 'status').map((item) => item.data.progress);
      expect(statuses.at(-1)).toBe(100);
      expect([...statuses].sort((a, b) => a - b)).toEqual(statuses);

      const reconnect = await testApp.app.inject({ method: 'GET', url: `/cv/ai-responses/${accepted.id}/events/`, headers: { ...alice.auth, 'last-event-id': '3' } });
      expect(reconnect.statusCode).toBe(204);
      const foreign = await testApp.app.inject({ method: 'GET', url: `/cv/ai-responses/${accepted.id}/events/`, headers: bob.auth });
      expect(foreign.statusCode).toBe(404);
    });

    it('waits for a CV still being read, then improves what was read', async () => {
      const cv = await readFile('test/fixtures/cvs/john-doe_plain.txt');
      const { payload, contentType } = await multipartBody(questionnaireFields, { resume: { fileName: 'cv.txt', type: 'text/plain', bytes: cv } });
      const created = await testApp.app.inject({ method: 'POST', url: '/cv/questionnaire/', headers: { ...alice.auth, 'content-type': contentType }, payload });
      expect(created.statusCode).toBe(201);
      const id = created.json<{ id: number }>().id;
      // Asked for at once, before the upload has been read.
      const response = await post({ questionnaire: id, prompt }, { prefer: 'wait=30' });
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json<ImprovementState>();
      expect(body.response_text).toContain('John');
      expect(body.analysis.before?.keywords.total).toBeGreaterThan(0);
    });

    it('ends with a 400 naming the file when the CV cannot be read, whether the reading failed before or after the request', async () => {
      const { payload, contentType } = await multipartBody(questionnaireFields, { resume: { fileName: 'cv.docx', bytes: truncatedDocx() } });
      const created = await testApp.app.inject({ method: 'POST', url: '/cv/questionnaire/', headers: { ...alice.auth, 'content-type': contentType }, payload });
      expect(created.statusCode).toBe(201);
      const id = created.json<{ id: number }>().id;
      const response = await post({ questionnaire: id, prompt }, { prefer: 'wait=30' });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json<{ error: string }>().error).toMatch(/could not be read|Unable to read/);
      // Asked for while the file was read, the improvement is stored and failed; asked for after, nothing is stored.
      const stored = (await testApp.app.inject({ method: 'GET', url: '/cv/ai-responses/', headers: alice.auth })).json<ImprovementState[]>().filter((item) => item.questionnaire === id);
      for (const item of stored) expect(item).toMatchObject({ status: 'failed', error: { code: 'cv_unavailable' }, response_text: null });
    });

    it('answers the analysis of a questionnaire’s CV, the same each time', async () => {
      const first = await testApp.app.inject({ method: 'GET', url: `/cv/questionnaire/${questionnaire}/analysis/`, headers: alice.auth });
      expect(first.statusCode, first.body).toBe(200);
      const second = await testApp.app.inject({ method: 'GET', url: `/cv/questionnaire/${questionnaire}/analysis/`, headers: alice.auth });
      expect(second.body).toBe(first.body);
      const analysis = first.json<{ overall_score: number; keywords: { found: { keyword: string }[] } }>();
      expect(analysis.keywords.found.map((finding) => finding.keyword.toLowerCase())).toEqual(expect.arrayContaining(['python', 'django', 'postgresql']));
      expect(analysis.overall_score).toBeGreaterThan(0);
      const foreign = await testApp.app.inject({ method: 'GET', url: `/cv/questionnaire/${questionnaire}/analysis/`, headers: bob.auth });
      expect(foreign.statusCode).toBe(404);
    });
  });
}
