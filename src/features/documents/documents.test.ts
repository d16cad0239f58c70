import { readFile } from 'node:fs/promises';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson } from '../../../test/support/browser.js';
import { documentSettled, type DocumentState } from '../../../test/support/documents.js';
import { pdfText } from '../../../test/support/pdf-text.js';
import { createTestApp, storageTargets, type TestApp } from '../../../test/support/harness.js';
import { improvementSettled, questionnaireFields, questionnaireWithCv, type ImprovementState } from '../../../test/support/improvements.js';
import { truncatedDocx } from '../../../test/support/hostile-files.js';
import { multipartBody } from '../../../test/support/multipart.js';
import { documents } from '../../infra/db/schema.js';
import { startWorker, type RunningWorker } from '../../process/worker-role.js';

type Person = Awaited<ReturnType<typeof registerPerson>>;

const janeRoe = async () => JSON.parse(await readFile('test/fixtures/improvements/jane-roe.resume.json', 'utf8')) as { basics: { name: string }; work: { name: string; position: string; highlights?: string[] }[] };
const expected = async () =>
  (JSON.parse(await readFile('test/fixtures/cvs/expected.json', 'utf8')) as Record<string, { name: string; employers: string[] }>)['john-smith_word2016.pdf'] as { name: string; employers: string[] };

for (const target of storageTargets()) {
  describe.runIf(target.available)(`documents on ${target.name}`, () => {
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

    const inject = (method: 'GET' | 'POST', url: string, person: Person = alice, payload?: object, headers: Record<string, string> = {}) =>
      testApp.app.inject({ method, url, headers: { ...person.auth, ...headers }, ...(payload === undefined ? {} : { payload }) });
    const documentRows = async (questionnaireId: number) => {
      const [row] = await testApp.services.database.db.select({ total: count() }).from(documents).where(eq(documents.questionnaireId, questionnaireId));
      return row?.total ?? 0;
    };

    it("runs the upstream client's flow: upload, improvement, generate-pdf, download; the upload is left as it was", async () => {
      const cv = await readFile('test/fixtures/cvs/john-smith_word2016.pdf');
      const person = await expected();
      const { payload, contentType } = await multipartBody(questionnaireFields, { resume: { fileName: 'john.pdf', type: 'application/pdf', bytes: cv } });
      const withFile = await testApp.app.inject({ method: 'POST', url: '/cv/questionnaire/', headers: { ...alice.auth, 'content-type': contentType }, payload });
      expect(withFile.statusCode, withFile.body).toBe(201);
      const id = withFile.json<{ id: number }>().id;

      const improved = await inject('POST', '/cv/ai-responses/', alice, { questionnaire: id, prompt: 'Tailor my CV to this backend role, please.' }, { prefer: 'wait=30' });
      expect(improved.statusCode, improved.body).toBe(201);
      const improvement = improved.json<ImprovementState>();

      // The upstream's call has no body; a JSON content type with nothing after it reads as `{}`.
      const generated = await inject('POST', `/cv/ai-responses/${improvement.id}/generate-pdf/`, alice, undefined, { prefer: 'wait=30', 'content-type': 'application/json' });
      expect(generated.statusCode, generated.body).toBe(200);
      const { pdf_url: pdfUrl, document } = generated.json<{ pdf_url: string; document: DocumentState }>();
      expect(document).toMatchObject({ status: 'succeeded', source: 'improvement', ai_response: improvement.id, questionnaire: id, template: 'classic', text_recall: 1, warnings: [] });
      expect(pdfUrl).toBe(document.download_url);
      expect(document.pages).toBeGreaterThanOrEqual(1);

      const download = await testApp.app.inject({ method: 'GET', url: new URL(pdfUrl).pathname, headers: alice.auth });
      expect(download.statusCode).toBe(200);
      expect(download.headers['content-type']).toBe('application/pdf');
      expect(download.headers['content-disposition']).toBe(`attachment; filename="${person.name} CV.pdf"; filename*=UTF-8''${encodeURIComponent(`${person.name} CV.pdf`)}`);
      expect(download.rawPayload.byteLength).toBe(document.bytes);
      const text = await pdfText(download.rawPayload);
      expect(text).toContain(person.name);
      for (const employer of person.employers) expect(text).toContain(employer);

      // The upload is still the file that was sent.
      const original = await inject('GET', `/cv/questionnaire/${id}/resume/`);
      expect(original.statusCode).toBe(200);
      expect(Buffer.compare(original.rawPayload, cv)).toBe(0);
    });

    it('answers a download again only when it changed (ETag, If-None-Match), and to its owner only', async () => {
      const created = await inject('POST', `/cv/questionnaire/${questionnaire}/documents/`, alice, {}, { prefer: 'wait=30' });
      expect(created.statusCode, created.body).toBe(201);
      const document = created.json<DocumentState>();
      const url = `/cv/documents/${document.id}/download/`;
      const first = await inject('GET', url);
      expect(first.statusCode).toBe(200);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      expect(first.headers['cache-control']).toBe('private, no-cache');
      expect((await inject('GET', url, alice, undefined, { 'if-none-match': etag })).statusCode).toBe(304);
      expect((await inject('GET', url, alice, undefined, { 'if-none-match': '"something-else"' })).statusCode).toBe(200);
      for (const path of [url, `/cv/documents/${document.id}/`]) {
        const foreign = await inject('GET', path, bob);
        expect(foreign.statusCode).toBe(404);
      }
      expect((await testApp.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    });

    it('renders an improvement asked for a moment ago: the document waits for it', async () => {
      const improved = await inject('POST', '/cv/ai-responses/', alice, { questionnaire, prompt: 'Tailor my CV to this backend role, please.' });
      expect(improved.statusCode).toBe(202);
      const generated = await inject('POST', `/cv/ai-responses/${improved.json<{ id: number }>().id}/generate-pdf/`, alice, { template: 'modern' });
      expect(generated.statusCode, generated.body).toBe(202);
      expect(generated.headers.location).toBe(generated.json<DocumentState>().links.self);
      const done = await documentSettled(testApp.app, alice.auth, generated.json<DocumentState>().id);
      expect(done).toMatchObject({ status: 'succeeded', template: 'modern', error: null });
    });

    it('lays a document out as asked: template, paper, accent, font size, language', async () => {
      const response = await inject('POST', `/cv/questionnaire/${questionnaire}/documents/`, alice, { template: 'compact', paper: 'letter', accent: '#AA3300', font_size: 9, language: 'DE' }, { prefer: 'wait=30' });
      expect(response.statusCode, response.body).toBe(201);
      const document = response.json<DocumentState>();
      expect(document.options).toEqual({ paper: 'us-letter', accent: '#aa3300', font_size: 9, language: 'de', max_pages: null });
      const pdf = (await inject('GET', `/cv/documents/${document.id}/download/`)).rawPayload;
      expect(await pdfText(pdf)).toMatch(/Berufserfahrung/i);
      // Letter paper is 612 × 792 points.
      expect(pdf.toString('latin1')).toMatch(/\/MediaBox\s*\[\s*0 0 612(\.0+)? 792(\.0+)?\s*\]/);
    });

    it('guesses the headings language from the CV when none is asked for', async () => {
      const id = await questionnaireWithCv(testApp.app, alice.auth, {
        basics: { name: 'Lucía Fernández', label: 'Ingeniera de software', summary: 'Ingeniera con experiencia en el desarrollo de servicios para los equipos de la empresa y de los clientes.' },
        work: [{ name: 'Banco del Sur', position: 'Desarrolladora', startDate: '2019-03-01', highlights: ['Diseñé los servicios de pagos y de la atención a los clientes', 'Reduje el tiempo de respuesta de las consultas'] }],
        education: [{ institution: 'Universidad de Lima', studyType: 'Licenciatura', area: 'Ingeniería de sistemas' }],
      });
      const document = (await inject('POST', `/cv/questionnaire/${id}/documents/`, alice, {}, { prefer: 'wait=30' })).json<DocumentState>();
      expect(document.options.language).toBe('es');
      const text = await pdfText((await inject('GET', `/cv/documents/${document.id}/download/`)).rawPayload);
      expect(text).toMatch(/Experiencia/i);
    });

    it('fits a page budget and says what it dropped', async () => {
      const resume = await janeRoe();
      const long = {
        ...resume,
        work: Array.from({ length: 20 }, (_, index) => ({
          name: `Employer ${index + 1}`,
          position: 'Engineer',
          startDate: `${2020 - index}-01-01`,
          endDate: `${2021 - index}-01-01`,
          highlights: Array.from({ length: 8 }, (_, line) => `Delivered project ${index + 1}.${line + 1} with measurable results for the platform team and its customers`),
        })),
      };
      const id = await questionnaireWithCv(testApp.app, alice.auth, long);
      const unbounded = (await inject('POST', `/cv/questionnaire/${id}/documents/`, alice, {}, { prefer: 'wait=30' })).json<DocumentState>();
      expect(unbounded.pages).toBeGreaterThanOrEqual(3);
      const fitted = (await inject('POST', `/cv/questionnaire/${id}/documents/`, alice, { max_pages: 1 }, { prefer: 'wait=30' })).json<DocumentState>();
      expect(fitted).toMatchObject({ status: 'succeeded', pages: 1 });
      expect(fitted.dropped.length).toBeGreaterThan(0);
      expect(fitted.dropped[0]?.path).toMatch(/^\/work\/19\/highlights\/\d+$/);
      const text = await pdfText((await inject('GET', `/cv/documents/${fitted.id}/download/`)).rawPayload);
      expect(text).toContain('Employer 1');
      // What was kept is all there: the check reads the fitted CV, not the whole one.
      expect(fitted.text_recall).toBe(1);
    });

    it('renders Markdown sent with the request, read into a structured CV first', async () => {
      const markdown = ['# Ada Lovelace', 'ada@example.org', '', '## Experience', '', '### Programmer, Analytical Engines Ltd', '2019-01 – Present', '', '- Wrote the **first** published algorithm', '- Translated the Menabrea paper', '', '## Skills', '', '- Mathematics, Poetry'].join('\n');
      const response = await inject('POST', `/cv/questionnaire/${questionnaire}/documents/`, alice, { markdown }, { prefer: 'wait=30' });
      expect(response.statusCode, response.body).toBe(201);
      const document = response.json<DocumentState>();
      expect(document).toMatchObject({ source: 'markdown', file_name: 'Ada Lovelace CV.pdf' });
      const text = await pdfText((await inject('GET', `/cv/documents/${document.id}/download/`)).rawPayload);
      for (const words of ['Ada Lovelace', 'Analytical Engines Ltd', 'published algorithm', 'Menabrea']) expect(text).toContain(words);
      expect(text).not.toContain('**');
    });

    it('fails a CV with characters no font draws with missing_glyphs, naming them', async () => {
      const resume = await janeRoe();
      const id = await questionnaireWithCv(testApp.app, alice.auth, { ...resume, basics: { ...resume.basics, label: 'Scribe 𓀀𓀁' } });
      const response = await inject('POST', `/cv/questionnaire/${id}/documents/`, alice, {}, { prefer: 'wait=30' });
      expect(response.statusCode, response.body).toBe(422);
      const body = response.json<{ code: string; detail: string; document: DocumentState }>();
      expect(body.code).toBe('missing_glyphs');
      expect(body.detail).toContain('𓀀');
      expect(body.document).toMatchObject({ status: 'failed', error: { code: 'missing_glyphs' } });
      const download = await inject('GET', `/cv/documents/${body.document.id}/download/`);
      expect(download.statusCode).toBe(409);
    });

    it('renders nothing from a CV that could not be read, or from an improvement that failed, and says why', async () => {
      // No worker while both requests go in, so the file is still being read when they arrive.
      await worker.stop(30_000);
      const { payload, contentType } = await multipartBody(questionnaireFields, { resume: { fileName: 'cv.docx', bytes: truncatedDocx() } });
      const created = await testApp.app.inject({ method: 'POST', url: '/cv/questionnaire/', headers: { ...alice.auth, 'content-type': contentType }, payload });
      expect(created.statusCode).toBe(201);
      const id = created.json<{ id: number }>().id;
      // Asked for while the file is being read: both wait for the reading, then fail with it.
      const improvement = (await inject('POST', '/cv/ai-responses/', alice, { questionnaire: id, prompt: 'Tailor my CV to this backend role, please.' })).json<ImprovementState>();
      const early = await inject('POST', `/cv/questionnaire/${id}/documents/`, alice, {});
      expect(early.statusCode, early.body).toBe(202);
      worker = startWorker(testApp.services, testApp.features);
      expect(await documentSettled(testApp.app, alice.auth, early.json<DocumentState>().id)).toMatchObject({ status: 'failed', error: { code: 'cv_unavailable' } });
      expect((await improvementSettled(testApp.app, alice.auth, improvement.id)).status).toBe('failed');
      // Asked for afterwards: refused at once.
      const late = await inject('POST', `/cv/questionnaire/${id}/documents/`, alice, {});
      expect(late.statusCode).toBe(400);
      expect(late.json<{ detail: string }>().detail).toMatch(/Unable to read CV file/);
      const fromFailed = await inject('POST', `/cv/ai-responses/${improvement.id}/generate-pdf/`, alice, {});
      expect(fromFailed.statusCode).toBe(409);
      expect(fromFailed.json<{ detail: string }>().detail).toMatch(/improvement failed/);
      expect(await documentRows(id)).toBe(1);
    });

    it('refuses bad requests with a clear error and stores nothing', async () => {
      const before = await documentRows(questionnaire);
      const cases: [object, string][] = [
        [{ template: 'nonexistent' }, 'template'],
        [{ accent: 'red' }, 'accent'],
        [{ font_size: 30 }, 'font_size'],
        [{ max_pages: 0 }, 'max_pages'],
        [{ paper: 'a3' }, 'paper'],
      ];
      for (const [payload, field] of cases) {
        const response = await inject('POST', `/cv/questionnaire/${questionnaire}/documents/`, alice, payload);
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(Object.keys(response.json<Record<string, unknown>>()), JSON.stringify(payload)).toContain(field);
      }
      expect((await inject('POST', `/cv/questionnaire/${questionnaire}/documents/`, bob, {})).statusCode).toBe(404);
      expect((await inject('POST', '/cv/ai-responses/999999/generate-pdf/', alice)).statusCode).toBe(404);
      const empty = await inject('POST', '/cv/questionnaire/', alice, questionnaireFields);
      const noCv = await inject('POST', `/cv/questionnaire/${empty.json<{ id: number }>().id}/documents/`, alice, {});
      expect(noCv.statusCode).toBe(400);
      expect(noCv.json<{ detail: string }>().detail).toMatch(/no CV yet/);
      expect(await documentRows(questionnaire)).toBe(before);
    });

    it('lists the caller’s documents, newest first, in pages', async () => {
      const all = (await inject('GET', '/cv/documents/')).json<DocumentState[]>();
      expect(all.length).toBeGreaterThan(2);
      expect(all.map((document) => document.id)).toEqual([...all.map((document) => document.id)].sort((a, b) => b - a));
      const page = (await inject('GET', '/cv/documents/?page=1&page_size=2')).json<{ count: number; results: DocumentState[] }>();
      expect(page.count).toBe(all.length);
      expect(page.results.map((document) => document.id)).toEqual(all.slice(0, 2).map((document) => document.id));
      expect((await inject('GET', '/cv/documents/', bob)).json<DocumentState[]>()).toEqual([]);
    });

    it('deletes the PDFs with their questionnaire, files included', async () => {
      const id = await questionnaireWithCv(testApp.app, alice.auth, await janeRoe());
      const document = (await inject('POST', `/cv/questionnaire/${id}/documents/`, alice, {}, { prefer: 'wait=30' })).json<DocumentState>();
      const [row] = await testApp.services.database.db.select({ blobKey: documents.blobKey }).from(documents).where(eq(documents.id, document.id));
      const key = row?.blobKey ?? '';
      expect(await testApp.services.blobs.get(key)).toBeDefined();
      expect((await testApp.app.inject({ method: 'DELETE', url: `/cv/questionnaire/${id}/`, headers: alice.auth })).statusCode).toBe(204);
      expect(await testApp.services.blobs.get(key)).toBeUndefined();
      expect((await inject('GET', `/cv/documents/${document.id}/`)).statusCode).toBe(404);
    });

    it('lists the templates with PNG previews', async () => {
      const templates = (await testApp.app.inject({ method: 'GET', url: '/cv/templates/' })).json<{ name: string; preview_url: string }[]>();
      expect(templates.map((template) => template.name)).toEqual(expect.arrayContaining(['classic', 'modern', 'compact']));
      for (const template of templates) {
        const preview = await testApp.app.inject({ method: 'GET', url: new URL(template.preview_url).pathname });
        expect(preview.statusCode, template.name).toBe(200);
        expect(preview.headers['content-type']).toBe('image/png');
        expect(preview.rawPayload.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
        const again = await testApp.app.inject({ method: 'GET', url: new URL(template.preview_url).pathname, headers: { 'if-none-match': preview.headers.etag as string } });
        expect(again.statusCode).toBe(304);
      }
      expect((await testApp.app.inject({ method: 'GET', url: '/cv/templates/nope/preview.png' })).statusCode).toBe(404);
    });
  });
}
