import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultTemplateOptions, type PdfRenderer, type RenderInput } from '../../infra/pdf/pdf-renderer.js';
import { TypstRenderPool } from '../../infra/pdf/typst-pool.js';
import { packageRoot } from '../../paths.js';
import type { JsonResume } from '../../resume/json-resume.js';
import { fitToPages, MAX_FIT_RENDERS } from './fit-to-pages.js';
import { pdfText } from '../../../test/support/pdf-text.js';

const sample = JSON.parse(await readFile(join(packageRoot, 'test/fixtures/cvs/jsonresume_sample.resume.json'), 'utf8')) as JsonResume;

/** The sample CV with `roles` older roles of six bullets each after its own. */
function withOlderRoles(roles: number): JsonResume {
  const older = Array.from({ length: roles }, (_, role) => ({
    name: `Employer ${role}`,
    position: `Engineer ${role}`,
    startDate: `${2012 - role * 2}-01`,
    endDate: `${2013 - role * 2}-12`,
    highlights: Array.from({ length: 6 }, (_, line) => `Delivered outcome number ${line + 1} of engineer ${role} with a measurable effect on the business`),
  }));
  return { ...sample, work: [...(sample.work ?? []), ...older] };
}

/** A renderer that records every input it is given. */
function counting(renderer: PdfRenderer): PdfRenderer & { inputs: RenderInput[] } {
  const inputs: RenderInput[] = [];
  return {
    inputs,
    render: (input, options) => (inputs.push(input), renderer.render(input, options)),
    renderPreview: (input, options) => renderer.renderPreview(input, options),
    close: () => renderer.close(),
  };
}

describe('fitToPages with the classic template', () => {
  const pool = new TypstRenderPool({ size: 1 });
  afterAll(() => pool.close());

  it('fits a three-page CV on one page, leaving out the oldest roles’ last bullets first and keeping the latest role', async () => {
    const cv = withOlderRoles(10);
    expect((await pool.render({ template: 'classic', data: cv })).pages).toBe(3);
    const renderer = counting(pool);
    const fitted = await fitToPages(renderer, { template: 'classic', data: cv }, 1);
    expect(fitted.rendered.pages).toBe(1);
    expect(fitted.fits).toBe(true);
    expect(fitted.renders).toBe(renderer.inputs.length);
    expect(fitted.renders).toBeLessThanOrEqual(MAX_FIT_RENDERS);
    // The tightest layout, since the text had to be cut anyway.
    expect(fitted.options).toMatchObject({ spacing: 0.6, fontSize: 8.5 });

    // First the fourth and later bullets, from the oldest role to the newest, the last bullet first.
    const work = cv.work ?? [];
    const laterBullets = work.flatMap((_, age) => {
      const index = work.length - 1 - age;
      const count = work[index]?.highlights?.length ?? 0;
      return Array.from({ length: Math.max(0, count - 3) }, (_, offset) => `/work/${index}/highlights/${count - 1 - offset}`);
    });
    expect(laterBullets.length).toBeGreaterThan(0);
    expect(fitted.dropped.slice(0, laterBullets.length).map((item) => item.path)).toEqual(laterBullets);
    for (const item of fitted.dropped) {
      const [, section, index, field, line] = item.path.split('/');
      expect(item.section).toBe(section);
      if (section === 'work' && field === 'highlights') expect(item.text).toBe(work[Number(index)]?.highlights?.[Number(line)]);
      // Never the latest role itself, the first school, the name or the contact.
      expect(item.path).not.toMatch(/^\/(?:work\/0|education\/0|basics)$|^\/basics\//);
    }

    const text = (await pdfText(fitted.rendered.pdf)).replace(/\s+/g, ' ');
    for (const item of fitted.dropped.filter((entry) => entry.path.includes('/highlights/'))) expect(text).not.toContain(item.text);
    expect(text).toContain('CEO/President — Pied Piper');
    expect(text).toContain(sample.basics?.name ?? '');
    expect(text).toContain(sample.basics?.email ?? '');
    expect(text).toContain(sample.education?.[0]?.institution ?? '');
    // What is not reported as left out is still there: the newest bullets of the roles kept.
    const keptBullets = (cv.work ?? []).flatMap((role, index) => (role.highlights ?? []).map((line, at) => ({ line, path: `/work/${index}/highlights/${at}` })));
    const dropped = new Set(fitted.dropped.map((item) => item.path));
    for (const { line, path } of keptBullets.filter((bullet) => !dropped.has(bullet.path))) {
      if (!fitted.dropped.some((item) => path.startsWith(`${item.path}/`))) expect(text, path).toContain(line);
    }
  });

  it('renders a CV that fits once, with the options as given', async () => {
    const renderer = counting(pool);
    const fitted = await fitToPages(renderer, { template: 'classic', data: sample }, 2);
    expect(renderer.inputs).toHaveLength(1);
    expect(fitted).toMatchObject({ options: defaultTemplateOptions, dropped: [], fits: true, renders: 1 });
    expect(fitted.rendered.pages).toBeLessThanOrEqual(2);
  });

  it('fits a CV slightly over a page by tightening the layout alone, within its bounds and in few renders', async () => {
    // The first CV whose default layout takes two pages: some tightening is needed, and enough.
    let roles = 0;
    while ((await pool.render({ template: 'classic', data: withOlderRoles(roles) })).pages < 2) roles += 1;
    const cv = withOlderRoles(roles);
    const renderer = counting(pool);
    const fitted = await fitToPages(renderer, { template: 'classic', data: cv }, 1);
    expect(fitted.dropped).toEqual([]);
    expect(fitted.fits).toBe(true);
    expect(fitted.rendered.pages).toBe(1);
    expect(renderer.inputs.length).toBeLessThanOrEqual(6);
    expect(renderer.inputs.every((input) => input.data === cv)).toBe(true);
    expect(fitted.options.spacing).toBeGreaterThanOrEqual(0.6);
    expect(fitted.options.fontSize).toBeGreaterThanOrEqual(8.5);
    expect(fitted.options.spacing < 1 || fitted.options.fontSize < 10).toBe(true);
    // The render returned is the one of the options returned.
    expect(renderer.inputs.some((input) => input.options === fitted.options)).toBe(true);
  });

  it('returns its best effort, fits false, when even the essentials take more than the budget', async () => {
    const long = Array.from({ length: 60 }, (_, n) => `Sentence ${n} of a very long account of the work done in this role.`).join(' ');
    const cv: JsonResume = { ...withOlderRoles(2), basics: { ...sample.basics, summary: long } };
    cv.work = (cv.work ?? []).map((role, index) => (index === 0 ? { ...role, summary: long, description: long.slice(0, 2000) } : role));
    const fitted = await fitToPages(pool, { template: 'classic', data: cv }, 1);
    expect(fitted.fits).toBe(false);
    expect(fitted.rendered.pages).toBeGreaterThan(1);
    expect(fitted.renders).toBeLessThanOrEqual(MAX_FIT_RENDERS);
    // Everything that may go went: the older roles are gone, the latest stays.
    expect(fitted.dropped.map((item) => item.path)).toEqual(expect.arrayContaining(['/work/1', '/work/2']));
    const text = (await pdfText(fitted.rendered.pdf)).replace(/\s+/g, ' ');
    expect(text).not.toMatch(/Employer [01]/);
    expect(text).toContain('Pied Piper');
  });

  it('refuses a budget that is not a positive whole number of pages', async () => {
    await expect(fitToPages(pool, { template: 'classic', data: sample }, 0)).rejects.toBeInstanceOf(RangeError);
  });
});
