import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../paths.js';
import { CpuPool } from '../../infra/cpu/cpu-pool.js';
import { defaultExtractionLimits } from '../../infra/extract/extraction.js';
import { TypstRenderPool } from '../../infra/pdf/typst-pool.js';
import type { JsonResume } from '../../resume/json-resume.js';
import { checkTextLayer } from './text-check.js';
import { scriptSamples as scripts } from '../../../test/support/script-samples.js';

// Every template in the folder, so a template added later is held to the same promise.
const templates = readdirSync(join(packageRoot, 'src', 'templates'))
  .filter((file) => file.endsWith('.typ'))
  .map((file) => file.slice(0, -'.typ'.length));

const rightToLeft = [scripts.arabic, scripts.persian, scripts.hebrew];

function multiScriptCv(lead: (typeof scripts)[keyof typeof scripts]): JsonResume {
  return {
    basics: { name: lead.name, label: lead.employer, summary: lead.line, email: 'owner@example.com', location: { city: 'Hà Nội', countryCode: 'VN' } },
    work: Object.values(scripts).map((script, index) => ({
      name: script.employer,
      position: script.name,
      startDate: `201${index}-0${(index % 9) + 1}-15`,
      ...(index % 2 === 0 ? { endDate: `202${index % 5}-12-01` } : {}),
      highlights: [script.line],
    })),
    skills: [{ name: lead.employer, keywords: Object.values(scripts).map((script) => script.name) }],
    languages: Object.values(scripts).map((script) => ({ language: script.name, fluency: script.employer })),
  };
}

const cvs: [string, JsonResume][] = [
  ['the jsonresume sample', JSON.parse(await readFile(join(packageRoot, 'test', 'fixtures', 'cvs', 'jsonresume_sample.resume.json'), 'utf8')) as JsonResume],
  ['a CV in nine scripts led in Vietnamese', multiScriptCv(scripts.vietnamese)],
  ['a CV in nine scripts led in Arabic', multiScriptCv(scripts.arabic)],
];

describe('the text layer of every template', () => {
  const renderer = new TypstRenderPool({ size: 2 });
  const cpu = new CpuPool({ maxThreads: 2 });
  afterAll(async () => {
    await renderer.close();
    await cpu.close();
  });

  async function renderedText(template: string, cv: JsonResume): Promise<string> {
    const { pdf } = await renderer.render({ template, data: cv });
    const reading = await cpu.run('readPdfText', [pdf, defaultExtractionLimits]);
    if (!reading.ok) throw new Error(`${reading.code}: ${reading.message}`);
    return reading.text;
  }

  it('covers at least the classic template', () => {
    expect(templates).toContain('classic');
  });

  describe.each(templates)('%s', (template) => {
    it.each(cvs)('gives back every printed word of %s', async (_name, cv) => {
      const text = await renderedText(template, cv);
      expect(checkTextLayer(cv, text)).toEqual({ recall: 1, missing: [] });
    });

    it('gives right-to-left lines back in logical order', async () => {
      const text = (await renderedText(template, multiScriptCv(scripts.arabic))).replace(/[\u200c\u200d]/gu, '');
      for (const script of rightToLeft) {
        for (const phrase of [script.name, script.employer, script.line]) expect(text).toContain(phrase.replace(/[\u200c\u200d]/gu, ''));
      }
    });
  });
});

describe('checkTextLayer', () => {
  it('names the printed words a text lacks, once per missing occurrence, and lowers recall', () => {
    const cv: JsonResume = { basics: { name: 'Ann Lee', summary: 'Builds data pipelines' }, work: [{ name: 'Acme', highlights: ['Built pipelines', 'الأحمد'] }] };
    const result = checkTextLayer(cv, 'Ann Lee\nBuilds data pipelines\nAcme\nBuilt\nاألحمد');
    expect(result.missing).toEqual(['pipelines', 'الأحمد']);
    expect(result.recall).toBeCloseTo(7 / 9);
  });

  it('compares dates to the month, ignores URLs, and folds case, width and joiners', () => {
    const cv: JsonResume = {
      basics: { name: 'ＡＮＮ', url: 'https://ann.example.com/a/long/path' },
      work: [
        { name: 'شرکت نرم‌افزار', startDate: '2013-12-01', url: 'http://acme.example.com' },
        // Started and ended in one month: printed once.
        { name: 'Brief', startDate: '2016-08-01', endDate: '2016-08-24' },
      ],
      volunteer: [{ organization: 'Harbour Trust' }],
    };
    expect(checkTextLayer(cv, 'ann\nشرکت نرمافزار 2013-12 – Present\nBrief 2016-08\nHarbour Trust')).toEqual({ recall: 1, missing: [] });
    expect(checkTextLayer(cv, 'ann\nشرکت نرمافزار 2014-11\nBrief 2016-08').missing).toEqual(['2013', '12', 'harbour', 'trust']);
  });

  it('takes a compound broken at its hyphen across lines as the same words', () => {
    const cv: JsonResume = { basics: { name: 'Ann Lee', summary: 'Built micro-services for a start-up.' } };
    for (const text of ['Ann Lee Built micro-services for a start-up.', 'Ann Lee Built micro-\nservices for a start-\nup.', 'Ann Lee Built microservices for a startup.']) {
      expect(checkTextLayer(cv, text), text).toEqual({ recall: 1, missing: [] });
    }
    expect(checkTextLayer(cv, 'Ann Lee Built services for a start.').missing).toEqual(['microservices', 'startup']);
  });

  it('counts Han, kana and Hangul character by character', () => {
    const cv: JsonResume = { basics: { name: '王小明', label: 'データ 김민준' } };
    expect(checkTextLayer(cv, '王小 デタ 김민').missing).toEqual(['明', 'ー', '준']);
  });
});
