import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson } from './support/browser.js';
import { createTestApp, storageTargets, type TestApp } from './support/harness.js';
import { multipartBody } from './support/multipart.js';

type Person = Awaited<ReturnType<typeof registerPerson>>;

/**
 * Two people on one service: whatever one of them calls, the other's data never shows and never
 * changes. Every route that takes an id or answers with a person's data gets a row here.
 */
for (const target of storageTargets()) {
  describe.runIf(target.available)(`two users never see each other's data on ${target.name}`, () => {
    let testApp: TestApp;
    let alice: Person;
    let bob: Person;

    beforeAll(async () => {
      testApp = await createTestApp(target.name);
      alice = await registerPerson(testApp.app, 'alice');
      bob = await registerPerson(testApp.app, 'bob');
    });
    afterAll(async () => testApp.close());

    const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, person: Person | undefined, payload?: object) =>
      testApp.app.inject({ method, url, headers: person ? person.auth : {}, ...(payload ? { payload } : {}) });

    /** Nothing identifying Bob appears in what Alice is shown. */
    function expectNothingOfBob(body: string): void {
      expect(body).not.toContain(bob.username);
      expect(body).not.toContain(bob.email);
      expect(body).not.toContain(`"pk":${bob.id}`);
    }

    async function bobsProfile(): Promise<Record<string, unknown>> {
      const response = await call('GET', '/auth/user/', bob);
      expect(response.statusCode).toBe(200);
      return response.json<Record<string, unknown>>();
    }

    it('GET /auth/user/ answers with the caller only, and 401 without a caller', async () => {
      const response = await call('GET', '/auth/user/', alice);
      expect(response.json()).toMatchObject({ pk: alice.id, username: alice.username });
      expectNothingOfBob(response.body);
      expect((await call('GET', '/auth/user/', undefined)).statusCode).toBe(401);
    });

    it('PATCH and PUT /auth/user/ change the caller only, whatever ids the body carries', async () => {
      const before = await bobsProfile();
      const patch = await call('PATCH', '/auth/user/', alice, { pk: bob.id, id: bob.id, first_name: 'Alice' });
      expect(patch.json()).toMatchObject({ pk: alice.id, first_name: 'Alice' });
      expectNothingOfBob(patch.body);
      const put = await call('PUT', '/auth/user/', alice, { pk: bob.id, username: alice.username, last_name: 'Liddell' });
      expect(put.json()).toMatchObject({ pk: alice.id, last_name: 'Liddell' });
      expect(await bobsProfile()).toEqual(before);
      expect((await call('PATCH', '/auth/user/', undefined, { first_name: 'Nobody' })).statusCode).toBe(401);
    });

    it("PATCH /auth/user/ cannot take the other's username or e-mail", async () => {
      const response = await call('PATCH', '/auth/user/', alice, { username: bob.username.toUpperCase(), email: bob.email });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        username: ['A user with that username already exists.'],
        email: ['A user with this email address already exists.'],
      });
      expect(await bobsProfile()).toMatchObject({ username: bob.username, email: bob.email });
    });

    it("GET /core/plans/ marks the caller's plan, from the caller's account", async () => {
      const response = await call('GET', '/core/plans/', alice);
      const current = response.json<{ name: string; is_current: boolean }[]>().filter((plan) => plan.is_current);
      expect(current.map((plan) => plan.name)).toEqual(['Free']);
      expectNothingOfBob(response.body);
    });

    it("POST /auth/password/change/ and /auth/logout/ leave the other's sign-ins alone", async () => {
      const password = `${alice.password}-2`;
      expect((await call('POST', '/auth/password/change/', alice, { new_password1: password, new_password2: password })).statusCode).toBe(200);
      expect((await call('POST', '/auth/logout/', alice, {})).statusCode).toBe(200);
      expect((await call('GET', '/auth/user/', alice)).statusCode).toBe(401);
      await bobsProfile();
      const bobLogin = await call('POST', '/auth/login/', undefined, { username: bob.username, password: bob.password });
      expect(bobLogin.statusCode).toBe(200);
      expect(bobLogin.json()).toMatchObject({ user: { pk: bob.id } });
    });

    it("POST /auth/token/refresh/ answers with the token owner's session only", async () => {
      const response = await call('POST', '/auth/token/refresh/', undefined, { refresh: bob.refresh });
      expect(response.statusCode).toBe(200);
      const access = response.json<{ access: string }>().access;
      const me = await testApp.app.inject({ method: 'GET', url: '/auth/user/', headers: { authorization: `Bearer ${access}` } });
      expect(me.json()).toMatchObject({ pk: bob.id });
    });

    it("POST /auth/password/reset/confirm/ cannot use one person's uid with made-up tokens", async () => {
      const uid = Buffer.from(String(bob.id)).toString('base64url');
      const response = await call('POST', '/auth/password/reset/confirm/', undefined, { uid, token: 'guess', new_password1: 'Lantern-new-pass-9', new_password2: 'Lantern-new-pass-9' });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ token: ['Invalid value'] });
      expect((await call('POST', '/auth/login/', undefined, { username: bob.username, password: bob.password })).statusCode).toBe(200);
    });
  });
}

/**
 * Questionnaires, their files and their CVs: another person's id is a 404 on every route, exactly
 * like an id that does not exist, and nothing of theirs changes.
 */
for (const target of storageTargets()) {
  describe.runIf(target.available)(`two users never see each other's questionnaires on ${target.name}`, () => {
    let testApp: TestApp;
    let carol: Person;
    let dave: Person;
    let davesId: number;
    let davesCvId: number;
    let davesImprovementId: number;
    const davesFile = Buffer.from('Dave Example\ndave@example.com\n\nExperience\nDave Corp — Founder, 2019 – 2024\n');
    const fields = { position: 'Dave Position', industry: 'Dave Industry', experience_level: '6+', company_size: 'small', application_timeline: 'immediate' };

    beforeAll(async () => {
      testApp = await createTestApp(target.name);
      carol = await registerPerson(testApp.app, 'carol');
      dave = await registerPerson(testApp.app, 'dave');
      const { payload, contentType } = await multipartBody(fields, { resume: { bytes: davesFile, fileName: 'dave.txt' } });
      const created = await testApp.app.inject({ method: 'POST', url: '/cv/questionnaire/', headers: { ...dave.auth, 'content-type': contentType }, payload });
      davesId = created.json<{ id: number }>().id;
      davesCvId = (await testApp.app.inject({ method: 'POST', url: '/cv/questionnaire/', headers: dave.auth, payload: fields })).json<{ id: number }>().id;
      await testApp.app.inject({ method: 'POST', url: `/cv/questionnaire/${davesCvId}/cv/import/`, headers: dave.auth, payload: { basics: { name: 'Dave Example' } } });
      await testApp.app.inject({ method: 'POST', url: '/cv/questionnaire/', headers: carol.auth, payload: { ...fields, position: 'Carol Position', industry: 'Carol Industry' } });
      // No worker here: the improvement stays queued, which is all these checks need.
      const improvement = await testApp.app.inject({ method: 'POST', url: '/cv/ai-responses/', headers: dave.auth, payload: { questionnaire: davesCvId, prompt: 'Make it shine for Dave Corp.' } });
      davesImprovementId = improvement.json<{ id: number }>().id;
    });
    afterAll(async () => testApp.close());

    const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, person: Person | undefined, payload?: object) =>
      testApp.app.inject({ method, url, headers: person ? person.auth : {}, ...(payload ? { payload } : {}) });

    async function davesState(): Promise<string> {
      const questionnaire = await call('GET', `/cv/questionnaire/${davesId}/`, dave);
      const file = await call('GET', `/cv/questionnaire/${davesId}/resume/`, dave);
      const cv = await call('GET', `/cv/questionnaire/${davesCvId}/cv/`, dave);
      const list = await call('GET', '/cv/questionnaire/', dave);
      const improvements = await call('GET', '/cv/ai-responses/', dave);
      expect(questionnaire.statusCode).toBe(200);
      expect(improvements.json()).toHaveLength(1);
      expect(file.rawPayload.equals(davesFile)).toBe(true);
      expect(cv.statusCode).toBe(200);
      return JSON.stringify([questionnaire.json(), cv.json(), list.json(), improvements.json()]);
    }

    it('GET /cv/questionnaire/ and /api/questionnaire/ list the caller’s own only, and 401 without a caller', async () => {
      for (const url of ['/cv/questionnaire/', '/api/questionnaire/', '/cv/questionnaire/?page=1']) {
        const response = await call('GET', url, carol);
        expect(response.statusCode).toBe(200);
        expect(response.body).toContain('Carol Position');
        expect(response.body).not.toContain('Dave');
        expect((await call('GET', url, undefined)).statusCode).toBe(401);
      }
    });

    it('every route with an id answers 404 for the other person’s questionnaire and changes nothing', async () => {
      const before = await davesState();
      const attempts: [('GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'), string, object?][] = [
        ['GET', `/cv/questionnaire/${davesCvId}/cv/`],
        ['PUT', `/cv/questionnaire/${davesCvId}/cv/`, { resume: { basics: { name: 'Taken over' } } }],
        ['GET', `/cv/questionnaire/${davesId}/`],
        ['PUT', `/cv/questionnaire/${davesId}/`, { ...fields, position: 'Taken over' }],
        ['PATCH', `/cv/questionnaire/${davesId}/`, { resume: null }],
        ['DELETE', `/cv/questionnaire/${davesId}/`],
        ['GET', `/api/questionnaire/${davesId}/`],
        ['PATCH', `/api/questionnaire/${davesId}/`, { position: 'Taken over' }],
        ['DELETE', `/api/questionnaire/${davesId}/`],
        ['GET', `/cv/questionnaire/${davesId}/resume/`],
        ['GET', `/cv/questionnaire/${davesId}/cv/`],
        ['GET', `/cv/questionnaire/${davesId}/cv/?format=jsonresume`],
        ['PUT', `/cv/questionnaire/${davesId}/cv/`, { resume: { basics: { name: 'Taken over' } } }],
        ['POST', `/cv/questionnaire/${davesId}/cv/import/`, { basics: { name: 'Taken over' } }],
        ['GET', `/cv/questionnaire/${davesCvId}/analysis/`],
        ['GET', `/cv/ai-responses/${davesImprovementId}/`],
        ['GET', `/cv/ai-responses/${davesImprovementId}/events/`],
      ];
      for (const [method, url, payload] of attempts) {
        const response = await call(method, url, carol, payload);
        expect(response.statusCode, `${method} ${url}`).toBe(404);
        expect(response.json(), `${method} ${url}`).toEqual({ detail: expect.any(String) as string, code: 'not_found' });
        expect(response.body).not.toContain('Dave');
        expect((await call(method, url, undefined, payload)).statusCode, `${method} ${url} anonymous`).toBe(401);
      }
      expect(await davesState()).toBe(before);
    });

    it('an improvement of the other person’s questionnaire is refused as the upstream refused it, and their list is untouched', async () => {
      const before = await davesState();
      const response = await call('POST', '/cv/ai-responses/', carol, { questionnaire: davesCvId, prompt: 'Make it shine for Carol instead.' });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: 'Questionnaire not found or you do not have permission to access it.', detail: expect.any(String) as string, code: 'not_found' });
      expect((await call('GET', '/cv/ai-responses/', carol)).json()).toEqual([]);
      expect(await davesState()).toBe(before);
    });

    it('a multipart replacement aimed at the other person’s questionnaire stores nothing', async () => {
      const before = await davesState();
      const { payload, contentType } = await multipartBody({ position: 'Taken over' }, { resume: { bytes: Buffer.from('Carol was here'), fileName: 'x.txt' } });
      const response = await testApp.app.inject({ method: 'PATCH', url: `/api/questionnaire/${davesId}/`, headers: { ...carol.auth, 'content-type': contentType }, payload });
      expect(response.statusCode).toBe(404);
      expect(await davesState()).toBe(before);
    });
  });
}
