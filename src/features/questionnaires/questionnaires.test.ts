import { readFile } from 'node:fs/promises';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson } from '../../../test/support/browser.js';
import { extractionSettled, type QuestionnaireState } from '../../../test/support/extraction.js';
import { createTestApp, storageTargets, type TestApp } from '../../../test/support/harness.js';
import { htmlPage, pngRenamedAsPdf, zeroByteFile } from '../../../test/support/hostile-files.js';
import { multipartBody, type FilePart } from '../../../test/support/multipart.js';
import { startWorker, type RunningWorker } from '../../process/worker-role.js';

type Person = Awaited<ReturnType<typeof registerPerson>>;
type Questionnaire = QuestionnaireState & { resume: string | null; [field: string]: unknown };

const fields = {
  position: 'Backend Engineer',
  industry: 'Software',
  experience_level: '3-5',
  company_size: 'startup',
  location: 'Remote',
  application_timeline: 'immediate',
  job_description: 'We build APIs.\n\n- Go and PostgreSQL\n- On call once a month',
};

const plainCv = () => readFile('test/fixtures/cvs/john-doe_plain.txt');

for (const target of storageTargets()) {
  describe.runIf(target.available)(`questionnaires on ${target.name}`, () => {
    let testApp: TestApp;
    let worker: RunningWorker;
    let alice: Person;

    beforeAll(async () => {
      testApp = await createTestApp(target.name);
      worker = startWorker(testApp.services, testApp.features);
      alice = await registerPerson(testApp.app, 'alice');
    });
    afterAll(async () => {
      await worker.stop(1000);
      await testApp.close();
    });

    const json = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object, person: Person = alice) =>
      testApp.app.inject({ method, url, headers: person.auth, ...(payload ? { payload } : {}) });

    async function upload(method: 'POST' | 'PUT' | 'PATCH', url: string, form: Record<string, string>, file?: FilePart): Promise<LightMyRequestResponse> {
      const { payload, contentType } = await multipartBody(form, file ? { resume: file } : {});
      return testApp.app.inject({ method, url, headers: { ...alice.auth, 'content-type': contentType }, payload });
    }

    const settled = (id: number) => extractionSettled<Questionnaire>(testApp.app, alice.auth, id);

    it('creates from JSON with the upstream fields, and cleans text before checking its limits', async () => {
      const response = await json('POST', '/cv/questionnaire/', {
        ...fields,
        position: '<script>alert("xss")</script><b>Senior</b>\u0000 Developer',
        industry: `<i>${'x'.repeat(255)}</i>`,
      });
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json<Questionnaire>();
      expect(body).toMatchObject({
        user: alice.id,
        position: 'Senior Developer',
        industry: 'x'.repeat(255),
        experience_level: '3-5',
        job_description: fields.job_description,
        resume: null,
        extraction_status: null,
        cv: null,
      });
      expect(response.headers.location).toBe(`/cv/questionnaire/${body.id}/`);

      const tooLong = await json('POST', '/cv/questionnaire/', { ...fields, position: `<b>${'y'.repeat(256)}</b>` });
      expect(tooLong.statusCode).toBe(400);
      expect(tooLong.json()).toEqual({ position: ['Ensure this field has no more than 255 characters.'] });
      const blank = await json('POST', '/cv/questionnaire/', { ...fields, industry: '<p>  </p>' });
      expect(blank.json()).toEqual({ industry: ['This field may not be blank.'] });
    });

    it('takes a form-encoded body as the upstream did', async () => {
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/cv/questionnaire/',
        headers: { ...alice.auth, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...fields, position: 'Form <b>Engineer</b>' }).toString(),
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({ position: 'Form Engineer', application_timeline: 'immediate', resume: null });
    });

    it('reads a job advert uploaded by mistake, and warns that it is not a CV', async () => {
      const advert = await readFile('test/fixtures/jobs/backend-developer-python-django_india.txt');
      const created = (await upload('POST', '/cv/questionnaire/', fields, { bytes: advert, fileName: 'cv.txt' })).json<Questionnaire>();
      expect((await settled(created.id)).extraction_status).toBe('succeeded');
      const cv = (await json('GET', `/cv/questionnaire/${created.id}/cv/`)).json<{ warnings: { code: string; confidence?: number }[] }>();
      const warning = cv.warnings.find((item) => item.code === 'not_a_cv');
      expect(warning?.confidence).toBeGreaterThan(0.5);
    });

    it('refuses bad choices and missing fields with field errors', async () => {
      const response = await json('POST', '/cv/questionnaire/', { ...fields, experience_level: '5-7', company_size: 'large', industry: undefined });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        experience_level: ['"5-7" is not a valid choice.'],
        company_size: ['"large" is not a valid choice.'],
        industry: ['This field is required.'],
      });
      // Like every string field, a null location is taken as blank.
      expect((await json('POST', '/cv/questionnaire/', { ...fields, location: null })).json()).toMatchObject({ location: '' });
      expect((await json('POST', '/cv/questionnaire/', { ...fields, resume: 'not a file' })).json()).toEqual({
        resume: ['The submitted data was not a file. Check the encoding type on the form.'],
      });
    });

    it('lists newest first as a bare array, and as the DRF envelope with ?page', async () => {
      const other = await registerPerson(testApp.app, 'lister');
      const ids: number[] = [];
      for (const position of ['first', 'second', 'third']) {
        ids.push((await json('POST', '/cv/questionnaire/', { ...fields, position }, other)).json<Questionnaire>().id);
      }
      const list = await json('GET', '/cv/questionnaire/', undefined, other);
      expect(list.json<Questionnaire[]>().map((item) => item.id)).toEqual([...ids].reverse());

      const page1 = (await json('GET', '/cv/questionnaire/?page_size=2', undefined, other)).json<{ count: number; next: string | null; previous: string | null; results: Questionnaire[] }>();
      expect(page1.count).toBe(3);
      expect(page1.results.map((item) => item.id)).toEqual([ids[2], ids[1]]);
      expect(page1.previous).toBeNull();
      const next = new URL(page1.next ?? '');
      expect([next.pathname, next.searchParams.get('page'), next.searchParams.get('page_size')]).toEqual(['/cv/questionnaire/', '2', '2']);
      const page2 = (await json('GET', new URL(page1.next ?? '').pathname + new URL(page1.next ?? '').search, undefined, other)).json<typeof page1>();
      expect(page2.results.map((item) => item.id)).toEqual([ids[0]]);
      expect(page2.next).toBeNull();
      expect(new URL(page2.previous ?? '').searchParams.get('page')).toBe('1');
      expect((await json('GET', '/cv/questionnaire/?page_size=101', undefined, other)).statusCode).toBe(400);
    });

    it('retrieves, replaces, patches and deletes; a non-numeric id is a 404', async () => {
      const created = (await json('POST', '/cv/questionnaire/', fields)).json<Questionnaire>();
      const url = `/cv/questionnaire/${created.id}/`;
      expect((await json('GET', url)).json()).toEqual(created);
      const put = await json('PUT', url, { ...fields, position: 'Staff Engineer', location: '' });
      expect(put.json()).toMatchObject({ position: 'Staff Engineer', location: '' });
      expect((await json('PUT', url, { position: 'Only this' })).statusCode).toBe(400);
      const patch = await json('PATCH', url, { application_timeline: '3-6 months' });
      expect(patch.json()).toMatchObject({ position: 'Staff Engineer', application_timeline: '3-6 months' });
      expect((await json('GET', '/cv/questionnaire/abc/')).statusCode).toBe(404);
      const deleted = await json('DELETE', url);
      expect(deleted.statusCode).toBe(204);
      expect(deleted.body).toBe('');
      expect((await json('GET', url)).statusCode).toBe(404);
    });

    it('takes a multipart upload at /api/questionnaire/, reads it in the background and streams it back to its owner', async () => {
      const bytes = await plainCv();
      // The declared type and name are labels only: the type is read from the bytes.
      const response = await upload('POST', '/api/questionnaire/', fields, { bytes, fileName: 'my cv.pdf', type: 'application/pdf' });
      expect(response.statusCode, response.body).toBe(201);
      const created = response.json<Questionnaire>();
      expect(created).toMatchObject({ resume_type: 'txt', resume_size: bytes.byteLength, resume_file_name: 'my cv.pdf' });
      expect(created.resume).toBe(`http://localhost:80/cv/questionnaire/${created.id}/resume/`);
      expect(['queued', 'running', 'succeeded']).toContain(created.extraction_status);

      const done = await settled(created.id);
      expect(done.extraction_status).toBe('succeeded');
      expect(done.cv).toBe(`http://localhost:80/cv/questionnaire/${created.id}/cv/`);

      const file = await json('GET', `/cv/questionnaire/${created.id}/resume/`);
      expect(file.statusCode).toBe(200);
      expect(file.rawPayload.equals(bytes)).toBe(true);
      expect(file.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(file.headers['content-disposition']).toContain('attachment');
      expect(file.headers['cache-control']).toBe('private, no-store');

      const cv = (await json('GET', `/cv/questionnaire/${created.id}/cv/`)).json<{ text: string; source: unknown; origin: string }>();
      expect(cv.text).toContain('John Doe');
      expect(cv.source).toEqual({ type: 'txt', pages: 1 });
      expect(cv.origin).toBe('extracted');
    });

    it('replaces the file with PATCH, never touching another row, and removes it with null', async () => {
      const first = (await upload('POST', '/cv/questionnaire/', fields, { bytes: await plainCv(), fileName: 'a.txt' })).json<Questionnaire>();
      const second = (await upload('POST', '/cv/questionnaire/', fields, { bytes: await plainCv(), fileName: 'b.txt' })).json<Questionnaire>();
      await settled(first.id);
      const replacement = Buffer.from('Jane Roe\nEngineer\n\nExperience\nAcme — Engineer, 2020 – 2024\n');
      const patched = await upload('PATCH', `/cv/questionnaire/${first.id}/`, {}, { bytes: replacement, fileName: 'new.txt' });
      expect(patched.statusCode, patched.body).toBe(200);
      await settled(first.id);
      expect((await json('GET', `/cv/questionnaire/${first.id}/resume/`)).rawPayload.equals(replacement)).toBe(true);
      expect((await json('GET', `/cv/questionnaire/${second.id}/resume/`)).rawPayload.equals(await plainCv())).toBe(true);
      const cv = (await json('GET', `/cv/questionnaire/${first.id}/cv/`)).json<{ text: string }>();
      expect(cv.text).toContain('Jane Roe');

      const cleared = await json('PATCH', `/cv/questionnaire/${first.id}/`, { resume: null });
      expect(cleared.json()).toMatchObject({ resume: null, extraction_status: null, cv: null });
      expect((await json('GET', `/cv/questionnaire/${first.id}/resume/`)).statusCode).toBe(404);
      expect((await json('GET', `/cv/questionnaire/${first.id}/cv/`)).statusCode).toBe(404);
    });

    it('refuses at upload what is not a PDF, DOCX or TXT, and a file over 10 MiB, leaving stored data as it was', async () => {
      const kept = (await upload('POST', '/cv/questionnaire/', fields, { bytes: await plainCv(), fileName: 'keep.txt' })).json<Questionnaire>();
      const before = await settled(kept.id);
      const cases: [string, Buffer, number, string][] = [
        ['png.pdf', pngRenamedAsPdf(), 415, 'unsupported_type'],
        ['page.html', htmlPage(), 415, 'unsupported_type'],
        ['empty.pdf', zeroByteFile(), 415, 'unsupported_type'],
        ['huge.pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(11 * 1024 * 1024, 0x20)]), 413, 'file_too_large'],
      ];
      for (const [fileName, bytes, status, code] of cases) {
        const created = await upload('POST', '/cv/questionnaire/', fields, { bytes, fileName });
        expect(created.statusCode, fileName).toBe(status);
        expect(created.json(), fileName).toEqual({ detail: expect.any(String) as string, code });
        const replaced = await upload('PATCH', `/cv/questionnaire/${kept.id}/`, { position: 'Changed' }, { bytes, fileName });
        expect(replaced.statusCode, fileName).toBe(status);
      }
      expect((await json('GET', `/cv/questionnaire/${kept.id}/`)).json()).toEqual(before);
      expect((await json('GET', `/cv/questionnaire/${kept.id}/resume/`)).rawPayload.equals(await plainCv())).toBe(true);
    });

    it('refuses a file in any other field, and a second file', async () => {
      const { payload, contentType } = await multipartBody(fields, { resume: { bytes: await plainCv(), fileName: 'a.txt' }, position: { bytes: Buffer.from('x'), fileName: 'b.txt' } });
      const response = await testApp.app.inject({ method: 'POST', url: '/cv/questionnaire/', headers: { ...alice.auth, 'content-type': contentType }, payload });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
    });

    it('drops the uploaded file when a JSON Resume document is imported in its place', async () => {
      const created = (await upload('POST', '/cv/questionnaire/', fields, { bytes: await plainCv(), fileName: 'old.txt' })).json<Questionnaire>();
      const imported = await json('POST', `/cv/questionnaire/${created.id}/cv/import/`, { basics: { name: 'Imported Person' } });
      expect(imported.statusCode, imported.body).toBe(201);
      expect((await json('GET', `/cv/questionnaire/${created.id}/`)).json()).toMatchObject({ resume: null, extraction_status: null, cv: expect.any(String) as string });
      expect((await json('GET', `/cv/questionnaire/${created.id}/resume/`)).statusCode).toBe(404);
      // A reading of the old file that finishes now stores nothing over the import.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await json('GET', `/cv/questionnaire/${created.id}/cv/`)).json()).toMatchObject({ origin: 'imported', resume: { basics: { name: 'Imported Person' } } });
    });

    it('stores a corrected structured CV, imports a JSON Resume document and exports it', async () => {
      const created = (await json('POST', '/cv/questionnaire/', fields)).json<Questionnaire>();
      const cvUrl = `/cv/questionnaire/${created.id}/cv/`;
      expect((await json('GET', cvUrl)).statusCode).toBe(404);
      const document = JSON.parse(await readFile('test/fixtures/cvs/jsonresume_sample.resume.json', 'utf8')) as Record<string, unknown> & { basics: { name: string } };
      const imported = await json('POST', `${cvUrl}import/`, document);
      expect(imported.statusCode, imported.body).toBe(201);
      const cv = imported.json<{ resume: { basics: { name: string } }; text: string; origin: string; source: unknown }>();
      expect(cv.resume.basics.name).toBe('Richard Hendriks');
      expect(cv.origin).toBe('imported');
      expect(cv.text).toContain('Richard Hendriks');
      expect(cv.text).toContain('Pied Piper');
      expect(cv.resume).not.toHaveProperty('$schema');

      const exported = await json('GET', `${cvUrl}?format=jsonresume`);
      expect(exported.json()).toMatchObject({ $schema: expect.stringContaining('jsonresume') as string, basics: { name: 'Richard Hendriks' } });

      const corrected = await json('PUT', cvUrl, { resume: { ...cv.resume, basics: { ...cv.resume.basics, name: 'Richard Hendricks' } } });
      expect(corrected.statusCode, corrected.body).toBe(200);
      expect(corrected.json()).toMatchObject({ origin: 'edited', resume: { basics: { name: 'Richard Hendricks' } }, text: cv.text });
      const invalid = await json('PUT', cvUrl, { resume: { work: [{ name: 'Acme', startDate: 'last spring' }] } });
      expect(invalid.statusCode).toBe(400);
      expect(Object.keys(invalid.json<Record<string, string[]>>())).toEqual(['resume.work.0.startDate']);
      expect((await json('GET', cvUrl)).json()).toMatchObject({ resume: { basics: { name: 'Richard Hendricks' } } });
    });
  });
}
