import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../src/process/worker-role.js';
import { createTestApp, type TestApp } from '../support/harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI === 'true') {
  throw new Error(`No browser at ${CHROMIUM}: CI=true needs it (apt-get install chromium), so this suite fails rather than skips.`);
}

interface Step {
  call: string;
  status: number;
  body: Record<string, unknown> | null;
}

/**
 * A page that makes the web client's calls the way it makes them: fetch with credentials, a JSON
 * content type on every call, and X-CSRFToken read from document.cookie. It writes what it saw
 * into the page as JSON, which the headless browser dumps.
 */
function clientPage(api: string): string {
  const script = `
    const api = ${JSON.stringify(api)};
    const steps = [];
    const cookie = (name) => (document.cookie.split('; ').find((c) => c.startsWith(name + '=')) || '').slice(name.length + 1);
    async function call(method, path, body) {
      const headers = { 'Content-Type': 'application/json' };
      if (method !== 'GET' && cookie('csrftoken')) headers['X-CSRFToken'] = cookie('csrftoken');
      const response = await fetch(api + path, { method, credentials: 'include', headers, body: body === undefined ? undefined : JSON.stringify(body) });
      let data = null;
      try { data = await response.json(); } catch (error) { data = null; }
      steps.push({ call: method + ' ' + path, status: response.status, body: data });
    }
    // resumeApi.submitQuestionnaire: multipart, no Content-Type of its own, X-CSRFToken from the cookie.
    async function submitQuestionnaire() {
      const form = new FormData();
      form.append('resume', new File(['Ada Lovelace\\nada@example.org\\n\\nExperience\\nAnalytical Engines Ltd — Programmer, 1842 – 1843\\n'], 'ada.txt', { type: 'text/plain' }));
      form.append('position', 'Programmer');
      form.append('industry', 'Computing');
      form.append('experience_level', '6+');
      form.append('company_size', 'startup');
      form.append('location', '');
      form.append('application_timeline', 'immediate');
      form.append('job_description', '');
      const headers = {};
      if (cookie('csrftoken')) headers['X-CSRFToken'] = cookie('csrftoken');
      const response = await fetch(api + '/api/questionnaire/', { method: 'POST', credentials: 'include', headers, body: form });
      const body = await response.json();
      steps.push({ call: 'POST /api/questionnaire/ (multipart)', status: response.status, body });
      return body.id;
    }
    // Not in the upstream client (it never asked for an improvement): what a client of ours does,
    // watching the job through EventSource, which sends the cookies of its origin's site.
    // Asked for at once, while the upload is still being read: the job waits for the reading. (The
    // page must not poll with timers: under --virtual-time-budget they fire without real time passing.)
    async function improveAndWatch(questionnaireId) {
      await call('POST', '/cv/ai-responses/', { questionnaire: questionnaireId, prompt: 'Tailor my CV to this role, please.' });
      const improvement = steps[steps.length - 1].body;
      const events = await new Promise((resolve) => {
        const seen = [];
        const source = new EventSource(api + '/cv/ai-responses/' + improvement.id + '/events/', { withCredentials: true });
        source.addEventListener('status', (event) => seen.push(JSON.parse(event.data).status));
        source.addEventListener('done', (event) => { seen.push('done ' + JSON.parse(event.data).status); source.close(); resolve(seen); });
        source.onerror = () => { seen.push('error'); source.close(); resolve(seen); };
      });
      steps.push({ call: 'EventSource /cv/ai-responses/{id}/events/', status: 0, body: { events } });
      return improvement.id;
    }
    // The upstream's generate-pdf, then the download its pdf_url names, with the page's cookies.
    async function generateAndDownload(improvementId) {
      const headers = { 'Content-Type': 'application/json', Prefer: 'wait=20' };
      if (cookie('csrftoken')) headers['X-CSRFToken'] = cookie('csrftoken');
      const response = await fetch(api + '/cv/ai-responses/' + improvementId + '/generate-pdf/', { method: 'POST', credentials: 'include', headers, body: '{}' });
      const body = await response.json();
      steps.push({ call: 'POST /cv/ai-responses/{id}/generate-pdf/', status: response.status, body });
      const pdf = await fetch(body.pdf_url, { credentials: 'include' });
      const bytes = new Uint8Array(await pdf.arrayBuffer());
      steps.push({ call: 'GET pdf_url', status: pdf.status, body: { type: pdf.headers.get('content-type'), disposition: pdf.headers.get('content-disposition'), magic: String.fromCharCode(...bytes.slice(0, 5)), size: bytes.length } });
    }
    (async () => {
      const name = 'browser' + Date.now(), password = 'Quartz-lantern-' + Date.now();
      await call('GET', '/auth/csrf-token/');
      steps.push({ call: 'script reads cookies', status: 0, body: { csrftoken: Boolean(cookie('csrftoken')), accessToken: document.cookie.includes('access-token') } });
      await call('GET', '/auth/user/');
      await call('POST', '/auth/registration/', { username: name, email: name + '@example.org', password1: password, password2: password });
      await call('POST', '/auth/login/', { username: name, password });
      await call('GET', '/auth/user/');
      await call('PATCH', '/auth/user/', { email: name + '@example.org', first_name: 'Ada', last_name: 'Lovelace', phone_number: '1', address: 'x', date_of_birth: null });
      const questionnaireId = await submitQuestionnaire();
      await call('GET', '/cv/questionnaire/');
      const improvementId = await improveAndWatch(questionnaireId);
      await generateAndDownload(improvementId);
      await call('POST', '/auth/password/change/', { new_password1: password + '!', new_password2: password + '!' });
      await call('POST', '/auth/logout/', {});
      await call('GET', '/auth/user/');
    })()
      .catch((error) => steps.push({ call: 'error', status: -1, body: { message: String(error) } }))
      .finally(() => { document.getElementById('result').textContent = JSON.stringify(steps); });
  `;
  return `<!doctype html><html><body><pre id="result">running</pre><script>${script}</script></body></html>`;
}

describe.runIf(available)(`the web client in a real browser (Chromium at ${CHROMIUM})`, () => {
  let testApp: TestApp;
  let worker: RunningWorker;
  let page: Server;
  let profileDir: string;
  let pageUrl: string;

  beforeAll(async () => {
    // The page and the API are different origins on one site, as in the client's development set-up.
    page = createServer();
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    const pagePort = (page.address() as AddressInfo).port;
    pageUrl = `http://localhost:${pagePort}/`;
    testApp = await createTestApp('pglite', { CORS_ALLOWED_ORIGINS: `http://localhost:${pagePort}` });
    worker = startWorker(testApp.services, testApp.features);
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    const apiPort = (testApp.app.server.address() as AddressInfo).port;
    const html = clientPage(`http://localhost:${apiPort}`);
    page.on('request', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    });
    profileDir = await mkdtemp(path.join(tmpdir(), 'cvimprover-browser-'));
  });
  afterAll(async () => {
    page.close();
    await worker.stop(1000);
    await testApp.close();
    await rm(profileDir, { recursive: true, force: true });
  });

  it('signs up, signs in, edits the profile, uploads a CV with the questionnaire, watches its improvement, downloads its PDF, changes the password and signs out', async () => {
    const { stdout } = await promisify(execFile)(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profileDir}`,
        '--virtual-time-budget=20000',
        '--dump-dom',
        pageUrl,
      ],
      { timeout: 60_000, maxBuffer: 10 * 1024 * 1024 },
    );
    const json = /<pre id="result">([\s\S]*?)<\/pre>/.exec(stdout)?.[1];
    expect(json, stdout.slice(0, 2000)).toBeDefined();
    const steps = JSON.parse((json ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as Step[];
    expect(steps.map((step) => `${step.call} ${step.status}`)).toEqual([
      'GET /auth/csrf-token/ 200',
      'script reads cookies 0',
      'GET /auth/user/ 401',
      'POST /auth/registration/ 201',
      'POST /auth/login/ 200',
      'GET /auth/user/ 200',
      'PATCH /auth/user/ 200',
      'POST /api/questionnaire/ (multipart) 201',
      'GET /cv/questionnaire/ 200',
      'POST /cv/ai-responses/ 202',
      'EventSource /cv/ai-responses/{id}/events/ 0',
      'POST /cv/ai-responses/{id}/generate-pdf/ 200',
      'GET pdf_url 200',
      'POST /auth/password/change/ 200',
      'POST /auth/logout/ 200',
      'GET /auth/user/ 401',
    ]);
    // The page can read the CSRF cookie but never the tokens.
    expect(steps[1]?.body).toEqual({ csrftoken: true, accessToken: false });
    expect(steps[6]?.body).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace' });
    expect(steps[7]?.body).toMatchObject({ position: 'Programmer', location: '', job_description: '', resume_type: 'txt', resume_file_name: 'ada.txt' });
    expect(steps[8]?.body).toEqual([steps[7]?.body]);
    expect(steps[9]?.body).toMatchObject({ questionnaire: steps[7]?.body?.id });
    // The stream said how the job went, in order, and ended with the result.
    const events = (steps[10]?.body as { events: string[] }).events;
    expect(events.at(-1)).toBe('done succeeded');
    expect(events.at(-2)).toBe('succeeded');
    expect(events).not.toContain('error');
    // The PDF of the improvement, downloaded by the page with its cookies, under the person's name.
    const generated = steps[11]?.body as { pdf_url: string; document: { status: string; bytes: number } };
    expect(generated.document.status).toBe('succeeded');
    const download = steps[12]?.body as { type: string; disposition: string; magic: string; size: number };
    expect(download).toMatchObject({ type: 'application/pdf', magic: '%PDF-', size: generated.document.bytes });
    expect(download.disposition).toMatch(/^attachment; filename="Ada Lovelace CV\.pdf"/);
  });
});
