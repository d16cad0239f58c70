import { readFile, readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson } from '../../../test/support/browser.js';
import { compareWithExpected, type CvExpectation } from '../../../test/support/cv-expectations.js';
import { buildNonEmbeddedCjkPdf, buildScriptCvPdf, nonEmbeddedCjkLines, scriptSamples, type GeneratedScript } from '../../../test/support/generated-pdfs.js';
import { extractionSettled } from '../../../test/support/extraction.js';
import { createTestApp, type TestApp } from '../../../test/support/harness.js';
import { multipartBody } from '../../../test/support/multipart.js';
import { wordRecall } from '../../infra/extract/word-recall.js';
import { startWorker, type RunningWorker } from '../../process/worker-role.js';
import type { JsonResume } from '../../resume/json-resume.js';

type Person = Awaited<ReturnType<typeof registerPerson>>;
type Cv = { text: string; resume: JsonResume; warnings: { code: string }[]; source: { type: string; pages: number; ocr?: { confidence: number } } };

const FIXTURES = 'test/fixtures/cvs';
const fields = { position: 'Engineer', industry: 'Software', experience_level: '3-5', company_size: 'medium', application_timeline: '1-3 months' };

/**
 * Every fixture CV (real documents written by others) goes through the API as a user sends it: the
 * text read from it keeps at least 98 % of the words of a reference made by an independent extractor
 * and corrected by hand, and the structured CV names the person, employers, titles and schools a
 * reader wrote down. (Scans are read by OCR in src/infra/ocr's tests: seconds of work per page.)
 */
describe('fixture CVs uploaded through the API', () => {
  let testApp: TestApp;
  let worker: RunningWorker;
  let person: Person;
  let expectations: Record<string, CvExpectation>;

  beforeAll(async () => {
    testApp = await createTestApp('pglite', { WORKER_CONCURRENCY: '2' });
    worker = startWorker(testApp.services, testApp.features);
    person = await registerPerson(testApp.app, 'fixtures');
    expectations = JSON.parse(await readFile(`${FIXTURES}/expected.json`, 'utf8')) as Record<string, CvExpectation>;
  });
  afterAll(async () => {
    await worker.stop(1000);
    await testApp.close();
  });

  async function uploadAndRead(bytes: Uint8Array, fileName: string): Promise<Cv> {
    const { payload, contentType } = await multipartBody(fields, { resume: { bytes, fileName } });
    const created = await testApp.app.inject({ method: 'POST', url: '/api/questionnaire/', headers: { ...person.auth, 'content-type': contentType }, payload });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: number }>().id;
    const done = await extractionSettled(testApp.app, person.auth, id, 90_000);
    expect(done.extraction_error, fileName).toBeNull();
    const cv = await testApp.app.inject({ method: 'GET', url: `/cv/questionnaire/${id}/cv/`, headers: person.auth });
    expect(cv.statusCode).toBe(200);
    return cv.json<Cv>();
  }

  it('reads every fixture CV with at least 98% of its reference words and the structure a reader wrote down', async () => {
    const files = (await readdir(FIXTURES)).filter((name) => /\.(pdf|docx|txt)$/.test(name) && !name.endsWith('.reference.txt')).sort();
    expect(files.length).toBeGreaterThanOrEqual(12);
    const report: string[] = [];
    const problems: string[] = [];
    for (const file of files) {
      const cv = await uploadAndRead(await readFile(`${FIXTURES}/${file}`), file);
      const reference = await readFile(`${FIXTURES}/${file.replace(/\.(pdf|docx|txt)$/, '')}.reference.txt`, 'utf8');
      const recall = wordRecall(reference, cv.text);
      const expected = expectations[file];
      expect(expected, `expected.json has ${file}`).toBeDefined();
      const structure = compareWithExpected(cv.resume, expected as CvExpectation);
      report.push(`${file}: recall ${(recall.recall * 100).toFixed(1)}%, structure ${structure.passed}/${structure.checks}`);
      if (recall.recall < 0.98) problems.push(`${file}: recall ${recall.recall.toFixed(3)}, missing ${recall.missing.slice(0, 20).join(' ')}`);
      problems.push(...structure.failures.map((failure) => `${file}: ${failure}`));
      if (cv.warnings.some((warning) => warning.code === 'not_a_cv')) problems.push(`${file}: warned not_a_cv`);
    }
    console.info(report.join('\n'));
    expect(problems).toEqual([]);
  }, 600_000);

  it('reads PDFs in scripts the fixtures lack, and one whose CJK fonts are not embedded', async () => {
    for (const script of Object.keys(scriptSamples) as GeneratedScript[]) {
      const cv = await uploadAndRead(await buildScriptCvPdf(script), `${script}.pdf`);
      const recall = wordRecall(scriptSamples[script].lines.join('\n'), cv.text);
      expect(recall.recall, `${script} misses ${recall.missing.join(' ')}`).toBeGreaterThanOrEqual(0.98);
    }
    const cjk = await uploadAndRead(buildNonEmbeddedCjkPdf(), 'cjk.pdf');
    expect(wordRecall(nonEmbeddedCjkLines.join('\n'), cjk.text).recall).toBeGreaterThanOrEqual(0.98);
  }, 300_000);
});
