import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../paths.js';
import { RenderError } from './pdf-renderer.js';
import { TypstRenderPool } from './typst-pool.js';
import { pdfText, wordsInOrder } from '../../../test/support/pdf-text.js';
import { waitFor } from '../../../test/support/wait-for.js';

interface SampleCv {
  basics: { name: string; summary: string };
  work: { name: string; highlights: string[] }[];
  [section: string]: unknown;
}

const sample = JSON.parse(await readFile(join(packageRoot, 'test/fixtures/cvs/jsonresume_sample.resume.json'), 'utf8')) as SampleCv;

function withName(name: string): SampleCv {
  return { ...sample, basics: { ...sample.basics, name } };
}

describe('TypstRenderPool with the classic template', () => {
  const pool = new TypstRenderPool({ size: 1 });
  afterAll(() => pool.close());

  it('renders the sample CV to a PDF whose text has the name, the employers and the highlights', async () => {
    const { pdf, pages } = await pool.render({ template: 'classic', data: sample });
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
    expect(pages).toBeGreaterThanOrEqual(1);
    const text = await pdfText(pdf);
    expect(text).toMatch(wordsInOrder(sample.basics.name));
    for (const job of sample.work) {
      expect(text).toMatch(wordsInOrder(job.name));
      for (const highlight of job.highlights) expect(text).toMatch(wordsInOrder(highlight));
    }
  });

  it('ends a child that has had no work for its idle timeout, and starts one again for the next render', async () => {
    const idle = new TypstRenderPool({ size: 1, idleTimeoutMs: 200 });
    try {
      await idle.render({ template: 'classic', data: { basics: { name: 'Idle Test' } } });
      const [first] = idle.processes();
      expect(first).toBeDefined();
      await waitFor(async () => idle.processes().length === 0, 10_000, 'the idle child to end');
      const { pdf } = await idle.render({ template: 'classic', data: { basics: { name: 'Back Again' } } });
      expect(await pdfText(pdf)).toContain('Back Again');
      expect(idle.processes().map((child) => child.pid)).not.toContain(first?.pid);
    } finally {
      await idle.close();
    }
  });

  it('runs its children below the API’s priority', async () => {
    await pool.render({ template: 'classic', data: sample });
    for (const { pid } of pool.processes()) {
      // The 19th field of /proc/<pid>/stat is the niceness.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])).toBe(10);
    }
  });

  it('prints text that looks like Typst markup literally, in every field that carries it', async () => {
    const tricky = ['#import "x"', '$x$', '*bold*', '<script>', ']', '\\', '@ref', '_under_', '#eval("1+1")', '= heading'];
    const line = tricky.join(' ~ ');
    const cv = {
      basics: { name: `Ann ${tricky[0]}`, label: line, summary: line },
      work: [{ name: 'Acme ]', position: '*Lead*', highlights: tricky.map((text) => `Did ${text} once`) }],
      skills: [{ name: '$Go$', keywords: tricky }],
    };
    const text = await pdfText((await pool.render({ template: 'classic', data: cv })).pdf);
    expect(text).toContain('Ann #import "x"');
    expect(text).toMatch(wordsInOrder(line));
    expect(text).toContain('*Lead* — Acme ]');
    expect(text).toContain('$Go$');
    for (const piece of tricky) expect(text).toMatch(wordsInOrder(`Did ${piece} once`));
  });

  it('renders a CV with only some sections, and fails an unknown template with render_failed', async () => {
    const { pages, pdf } = await pool.render({ template: 'classic', data: { basics: { name: 'Solo Name' } } });
    expect(pages).toBe(1);
    const text = await pdfText(pdf);
    expect(text).toContain('Solo Name');
    expect(text).not.toMatch(/EXPERIENCE|EDUCATION/);
    await expect(pool.render({ template: 'no-such-template', data: sample })).rejects.toMatchObject({ code: 'render_failed' });
    await expect(pool.render({ template: '../classic', data: sample })).rejects.toBeInstanceOf(RenderError);
  });
});

describe('TypstRenderPool process recycling', () => {
  let templatesDir: string;

  beforeAll(async () => {
    templatesDir = await mkdtemp(join(tmpdir(), 'typst-templates-'));
    await cp(join(packageRoot, 'src/templates'), templatesDir, { recursive: true });
    // Busy work long enough to kill the child in the middle of it, then prints the name.
    await writeFile(
      join(templatesDir, 'slow.typ'),
      '#let cv = json(bytes(sys.inputs.cv))\n#let n = 0\n#for i in range(cv.loops) { n = calc.rem(n + i, 7) }\n#cv.name #n\n',
    );
  });
  afterAll(() => rm(templatesDir, { recursive: true, force: true }));

  it('retires a child after maxRenders and every render still succeeds', async () => {
    const served: number[] = [];
    const pool = new TypstRenderPool({ size: 1, maxRenders: 2, templatesDir, onRendered: ({ pid }) => served.push(pid) });
    try {
      const names = ['One Person', 'Two Person', 'Three Person', 'Four Person', 'Five Person'];
      const rendered = await Promise.all(names.map((name) => pool.render({ template: 'classic', data: withName(name) })));
      for (const [index, { pdf }] of rendered.entries()) expect(await pdfText(pdf)).toContain(names[index]);
      expect(served).toHaveLength(5);
      // Two renders per child at most: five renders take three children, each used in one run.
      expect(new Set(served).size).toBe(3);
      for (const pid of new Set(served)) expect(served.filter((other) => other === pid).length).toBeLessThanOrEqual(2);
    } finally {
      await pool.close();
    }
  });

  it('retires a child whose memory passes maxRssBytes after its render', async () => {
    const served: number[] = [];
    const pool = new TypstRenderPool({ size: 1, maxRssBytes: 1, templatesDir, onRendered: ({ pid }) => served.push(pid) });
    try {
      for (const name of ['First', 'Second']) await pool.render({ template: 'classic', data: withName(name) });
      expect(served).toHaveLength(2);
      expect(served[0]).not.toBe(served[1]);
    } finally {
      await pool.close();
    }
  });

  it('retries on a new child a render whose child was killed mid-render', async () => {
    const served: number[] = [];
    const pool = new TypstRenderPool({ size: 1, templatesDir, onRendered: ({ pid }) => served.push(pid) });
    try {
      await pool.render({ template: 'slow', data: { name: 'Warm', loops: 1 } });
      const rendering = pool.render({ template: 'slow', data: { name: 'Survivor', loops: 800_000 } });
      const [victim] = pool.processes();
      expect(victim?.busy).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
      process.kill(victim?.pid ?? 0, 'SIGKILL');
      const { pdf } = await rendering;
      expect(await pdfText(pdf)).toContain('Survivor');
      expect(served).toHaveLength(2);
      expect(served[1]).not.toBe(victim?.pid);
    } finally {
      await pool.close();
    }
  });

  it('fails an aborted render with render_aborted and serves the next one', async () => {
    const pool = new TypstRenderPool({ size: 1, templatesDir });
    try {
      const controller = new AbortController();
      const busy = pool.render({ template: 'slow', data: { name: 'Busy', loops: 300_000 } });
      const queued = pool.render({ template: 'slow', data: { name: 'Queued', loops: 1 } }, { signal: controller.signal });
      controller.abort();
      await expect(queued).rejects.toMatchObject({ code: 'render_aborted' });
      expect(await pdfText((await busy).pdf)).toContain('Busy');
      expect(pool.processes().every((child) => !child.busy)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('kills a child that overruns the timeout and fails that render with render_timeout', async () => {
    // A second is far above a warm render even on a busy machine, and far below the long one (about a minute).
    const pool = new TypstRenderPool({ size: 1, timeoutMs: 1000, templatesDir });
    try {
      await pool.render({ template: 'slow', data: { name: 'Warm', loops: 1 } });
      const [stuck] = pool.processes();
      await expect(pool.render({ template: 'slow', data: { name: 'Late', loops: 50_000_000 } })).rejects.toMatchObject({ code: 'render_timeout' });
      const { pdf } = await pool.render({ template: 'slow', data: { name: 'Next', loops: 1 } });
      expect(await pdfText(pdf)).toContain('Next');
      expect(pool.processes().map((child) => child.pid)).not.toContain(stuck?.pid);
    } finally {
      await pool.close();
    }
  });
});
