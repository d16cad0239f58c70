import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../paths.js';
import { openPdfDocument } from '../infra/extract/pdf/pdfjs.js';
import { TypstRenderPool } from '../infra/pdf/typst-pool.js';
import { templateCatalogue, templateNames } from './catalogue.js';
import { pdfText, wordsInOrder } from '../../test/support/pdf-text.js';

interface SampleCv {
  basics: { name: string; email: string; url: string };
  work: { name: string; highlights: string[] }[];
  skills: { name: string }[];
  interests: { keywords: string[] }[];
  volunteer: { organization: string }[];
  references: { name: string }[];
  [section: string]: unknown;
}

const sample = JSON.parse(await readFile(join(packageRoot, 'test/fixtures/cvs/jsonresume_sample.resume.json'), 'utf8')) as SampleCv;

/** pdf.js's view of a rendered PDF: page 1's size and text items in stream order, links, metadata. */
async function inspect(pdf: Uint8Array): Promise<{ size: number[]; items: string[]; links: string[]; info: Record<string, unknown> }> {
  const document = await openPdfDocument(pdf);
  try {
    const page = await document.getPage(1);
    const content = await page.getTextContent();
    const annotations = (await page.getAnnotations()) as { subtype: string; url?: string; unsafeUrl?: string }[];
    const { info } = await document.getMetadata();
    return {
      size: page.view.map((value) => Math.round(value)),
      items: content.items.map((item) => ('str' in item ? item.str : '')).filter((text) => text.trim() !== ''),
      links: annotations.filter((annotation) => annotation.subtype === 'Link').map((annotation) => annotation.url ?? annotation.unsafeUrl ?? ''),
      info: info as Record<string, unknown>,
    };
  } finally {
    await document.destroy();
  }
}

/** Text drawn outside its page (below the bottom edge, say): printed, yet no reader sees it. */
async function textOffPage(pdf: Uint8Array): Promise<string[]> {
  const document = await openPdfDocument(pdf);
  const off: string[] = [];
  try {
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const [, bottom = 0, , top = 0] = page.view;
      for (const item of (await page.getTextContent()).items) {
        if (!('str' in item) || item.str.trim() === '') continue;
        const y = item.transform[5] as number;
        if (y < bottom || y > top) off.push(`page ${number}: ${item.str}`);
      }
    }
  } finally {
    await document.destroy();
  }
  return off;
}

const paperSizes = { a4: [0, 0, 595, 842], 'us-letter': [0, 0, 612, 792] };

describe('the template catalogue', () => {
  it('names a template file for each entry, once', async () => {
    expect(templateCatalogue.map((entry) => entry.name)).toEqual([...templateNames]);
    for (const { name } of templateCatalogue) await access(join(packageRoot, 'src/templates', `${name}.typ`));
  });
});

describe.each(templateNames)('the %s template', (template) => {
  const pool = new TypstRenderPool({ size: 1 });
  afterAll(() => pool.close());

  it.each([
    { paper: 'a4', accent: '#1f3a5f', fontSize: 10 },
    { paper: 'us-letter', accent: '#8a1538', fontSize: 11.5 },
  ] as const)('renders the sample CV on $paper paper with every employer and highlight', async (options) => {
    const { pdf } = await pool.render({ template, data: sample, options });
    const text = await pdfText(pdf);
    expect(text).toMatch(wordsInOrder(sample.basics.name));
    for (const job of sample.work) {
      expect(text).toMatch(wordsInOrder(job.name));
      for (const highlight of job.highlights) expect(text).toMatch(wordsInOrder(highlight));
    }
    for (const phrase of [sample.volunteer[0]?.organization, sample.references[0]?.name, sample.skills[0]?.name, ...(sample.interests[0]?.keywords ?? [])]) {
      expect(text).toMatch(wordsInOrder(phrase ?? 'missing'));
    }
    expect((await inspect(pdf)).size).toEqual(paperSizes[options.paper]);
  });

  it('breaks an entry taller than a page rather than let it run off the page', async () => {
    const highlights = Array.from({ length: 90 }, (_, index) => `Highlight number ${index + 1} describing work done with care and precision for customers`);
    const { pdf, pages } = await pool.render({ template, data: { basics: { name: 'Tall Entry' }, work: [{ name: 'Acme', position: 'Engineer', startDate: '2020-01-01', highlights }] } });
    expect(pages).toBeGreaterThan(1);
    expect(await textOffPage(pdf)).toEqual([]);
    const text = await pdfText(pdf);
    for (const highlight of highlights) expect(text).toMatch(wordsInOrder(highlight));
  });

  it('lays out more tightly with a smaller font and less spacing', async () => {
    const roomy = await pool.render({ template, data: sample, options: { fontSize: 13, spacing: 1 } });
    const tight = await pool.render({ template, data: sample, options: { fontSize: 8, spacing: 0.5 } });
    expect(tight.pages).toBeLessThan(roomy.pages);
  });

  it('prints text that looks like markup literally', async () => {
    const tricky = ['#import "x.typ"', '$x^2$', '*bold*', '_under_', '<script>alert(1)</script>', ']', '\\', '@ref', '#set page(width: 1pt)', '{{x}}'];
    const line = tricky.join(' ~ ');
    const cv = {
      basics: { name: `Ann ${tricky[0]}`, label: line, summary: line },
      work: [{ name: 'Acme ]', position: '*Lead*', highlights: tricky.map((piece) => `Did ${piece} once`) }],
      skills: [{ name: '$Go$', keywords: ['#set page(width: 1pt)'] }],
      certificates: [{ name: '@cert <b>', issuer: '_Issuer_' }],
    };
    const { pdf, pages } = await pool.render({ template, data: cv });
    const text = await pdfText(pdf);
    expect(pages).toBe(1);
    expect(text).toMatch(wordsInOrder('Ann #import "x.typ"'));
    expect(text).toMatch(wordsInOrder(line));
    expect(text).toMatch(wordsInOrder('*Lead* — Acme ]'));
    for (const piece of [...tricky.map((one) => `Did ${one} once`), '$Go$', '@cert <b>', '_Issuer_']) expect(text).toMatch(wordsInOrder(piece));
    expect((await inspect(pdf)).size).toEqual(paperSizes.a4);
  });

  it('writes title, author and language into the PDF and links e-mail, phone and web addresses', async () => {
    const { pdf } = await pool.render({ template, data: sample, options: { language: 'de' } });
    const { info, links } = await inspect(pdf);
    expect(info['Title']).toBe(`${sample.basics.name} — Lebenslauf`);
    expect(info['Author']).toBe(sample.basics.name);
    expect(info['Language']).toBe('de');
    expect(links).toContain(`mailto:${sample.basics.email}`);
    expect(links).toContain('tel:9125554321');
    expect(links).toContain('https://soundcloud.example.com/dandymusicnl');
    // pdf.js reads a bare host as its root: the address with a slash after it.
    expect(links).toContain(`${sample.basics.url}/`);
  });

  it('links only http(s) addresses: a javascript: URL prints as plain text', async () => {
    const cv = {
      basics: { name: 'Eve Doe', url: 'javascript:alert(1)', profiles: [{ network: 'Site', username: 'eve', url: 'javascript:alert(2)' }] },
      projects: [{ name: 'Trap', url: 'file:///etc/passwd' }, { name: 'Real', url: 'https://example.com/real' }],
    };
    const { pdf } = await pool.render({ template, data: cv });
    const { links } = await inspect(pdf);
    expect(links).toEqual(['https://example.com/real']);
    expect(await pdfText(pdf)).toContain('javascript:alert(1)');
  });

  it('draws page 1 as a PNG of the width asked, in the page proportions', async () => {
    for (const [paper, ratio] of [['a4', 842 / 595], ['us-letter', 792 / 612]] as const) {
      const preview = await pool.renderPreview({ template, data: sample, options: { paper } }, { widthPx: 480 });
      expect([...preview.png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const header = new DataView(preview.png.buffer, preview.png.byteOffset + 16, 8);
      expect([header.getUint32(0), header.getUint32(4)]).toEqual([480, preview.heightPx]);
      expect(preview.heightPx / 480).toBeCloseTo(ratio, 1);
      expect(preview.pages).toBeGreaterThanOrEqual(1);
    }
    await expect(pool.renderPreview({ template, data: sample }, { widthPx: 0 })).rejects.toMatchObject({ code: 'render_failed' });
  });
});

describe('section headings in the CV language', () => {
  const pool = new TypstRenderPool({ size: 2 });
  afterAll(() => pool.close());
  const current = { ...sample, work: sample.work.map((job) => ({ ...job, endDate: undefined })) };

  it.each([
    ['de', ['BERUFSERFAHRUNG', 'AUSBILDUNG', 'heute']],
    ['fr', ['EXPÉRIENCE PROFESSIONNELLE', 'FORMATION', 'aujourd’hui']],
    ['ru', ['ОПЫТ РАБОТЫ', 'ОБРАЗОВАНИЕ', 'настоящее время']],
    ['zh', ['工作经历', '教育背景', '至今']],
    ['ar', ['الخبرة المهنية', 'التعليم', 'المهارات']],
    ['xx', ['EXPERIENCE', 'EDUCATION', 'Present']],
  ] as const)('labels the sections in %s', async (language, words) => {
    const { pdf } = await pool.render({ template: 'classic', data: current, options: { language } });
    const text = await pdfText(pdf);
    for (const word of words) expect(text).toMatch(wordsInOrder(word));
  });

  it('takes the language from the CV when none is asked for', async () => {
    const german = { basics: { name: 'Jana Müller', summary: 'Entwicklerin mit zehn Jahren Erfahrung in der Entwicklung von Systemen für die Logistik und den Handel.' }, work: [{ name: 'Acme', startDate: '2020-01' }] };
    const { pdf } = await pool.render({ template: 'compact', data: german });
    const text = await pdfText(pdf);
    expect(text).toContain('BERUFSERFAHRUNG');
    expect(text).toContain('2020-01 – heute');
    expect((await inspect(pdf)).info['Language']).toBe('de');
  });
});

describe('the modern template reading order', () => {
  const pool = new TypstRenderPool({ size: 1 });
  afterAll(() => pool.close());

  // Words only the sidebar prints, and words only the main column prints, all on page 1.
  const sidebarWords = ['CONTACT', 'neutralthoughts', 'Web Development', 'Native speaker', 'Ferrets'];
  const mainWords = ['SUMMARY', 'Richard hails from Tulsa', 'EXPERIENCE', 'Successfully won Techcrunch Disrupt', 'CoderDojo'];

  function positions(text: string, phrases: string[]): number[] {
    return phrases.map((phrase) => text.search(wordsInOrder(phrase)));
  }

  function notInterleaved(text: string): void {
    const side = positions(text, sidebarWords);
    const main = positions(text, mainWords);
    expect([...side, ...main].every((index) => index >= 0)).toBe(true);
    expect(Math.max(...side) < Math.min(...main) || Math.max(...main) < Math.min(...side)).toBe(true);
  }

  it('reads all of the sidebar, then all of the main column, in the extracted text and in the PDF stream', async () => {
    const { pdf } = await pool.render({ template: 'modern', data: sample });
    notInterleaved(await pdfText(pdf));
    notInterleaved((await inspect(pdf)).items.join(' '));
  });

  it('keeps the order right to left, with the sidebar on the right', async () => {
    const cv = {
      basics: { name: 'דוד כהן', label: 'מהנדס תוכנה', summary: 'מהנדס תוכנה עם עשר שנות ניסיון בתכנון מערכות מבוזרות.' },
      work: [{ name: 'חברת תוכנה', position: 'מפתח ראשי', startDate: '2019-03', highlights: ['פיתוח שירותי רשת'] }],
      skills: [{ name: 'שפות תכנות', keywords: ['Java', 'Python'] }],
    };
    const { pdf } = await pool.render({ template: 'modern', data: cv });
    const text = await pdfText(pdf);
    for (const word of ['דוד', 'כהן', 'כישורים', 'ניסיון', 'תעסוקתי', 'פיתוח', 'שירותי', 'רשת', 'היום']) expect(text).toContain(word);
    expect((await inspect(pdf)).info['Language']).toBe('he');
  });
});
