import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { pdfText } from '../support/pdf-text.js';

const CV = 'test/fixtures/cvs/john-smith_word2016.pdf';
const JOB = 'test/fixtures/jobs/backend-developer-python-django_india.txt';

describe('cvimprover improve', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'cvimprover-improve-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads, improves and renders a CV offline, and prints the analysis before and after', async () => {
    const expected = (JSON.parse(await readFile('test/fixtures/cvs/expected.json', 'utf8')) as Record<string, { name: string; employers: string[] }>)['john-smith_word2016.pdf'];
    const output = path.join(directory, 'improved.pdf');
    const { code, output: printed } = await runCli(['improve', CV, '--job', JOB, '--template', 'modern', '--max-pages', '2', '-o', output], { DATA_DIR: directory });
    expect(code, printed).toBe(0);
    expect(printed).toMatch(/improver: offline rules/);
    expect(printed).toMatch(/overall score\s+\d+\s+\d+/);
    expect(printed).toMatch(/keyword match\s+\d+%\s+\d+%/);
    expect(printed).toContain(`PDF: ${output}`);
    const text = await pdfText(await readFile(output));
    expect(text).toContain(expected?.name);
    for (const employer of expected?.employers ?? []) expect(text).toContain(employer);
  });

  it('takes the job advert as text too, and refuses what it cannot use with a clear message', async () => {
    const output = path.join(directory, 'from-text.pdf');
    const ok = await runCli(['improve', CV, '--job', 'Python developer: Django, PostgreSQL, Docker.', '-o', output], { DATA_DIR: directory });
    expect(ok.code, ok.output).toBe(0);
    expect((await readFile(output)).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const missing = await runCli(['improve', path.join(directory, 'nope.pdf'), '--job', JOB, '-o', output], { DATA_DIR: directory });
    expect(missing.code).toBe(2);
    expect(missing.output).toMatch(/could not be read: ENOENT/);
    const template = await runCli(['improve', CV, '--job', JOB, '--template', 'fancy', '-o', output], { DATA_DIR: directory });
    expect(template.code).toBe(2);
    expect(template.output).toMatch(/No template named "fancy"; choose one of: classic/);
    const pages = await runCli(['improve', CV, '--job', JOB, '--max-pages', '0', '-o', output], { DATA_DIR: directory });
    expect(pages.code).toBe(2);
    expect(pages.output).toMatch(/--max-pages must be a whole number/);
  });
});
