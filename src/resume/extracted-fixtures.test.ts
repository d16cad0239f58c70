import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { extractDocument } from '../infra/extract/extract-document.js';
import { compareWithExpected, type CvExpectation } from '../../test/support/cv-expectations.js';
import { JsonResume } from './json-resume.js';
import { parseResume } from './parse-resume.js';
import { normaliseText } from './parse/text.js';

// In production the parser reads our extractor's text, not pdftotext's: tabs for wide gaps, bullets
// before entry lines, columns one after the other, page breaks as blank lines.
const fixtures = fileURLToPath(new URL('../../test/fixtures/cvs/', import.meta.url));
const expectations = JSON.parse(readFileSync(`${fixtures}expected.json`, 'utf8')) as Record<string, CvExpectation | string>;
const files = readdirSync(fixtures)
  .filter((name) => /\.(?:pdf|docx|txt)$/.test(name) && !name.endsWith('.reference.txt'))
  .sort();

// Dates are normalised to ISO and a profile's network is a label we give; every other string is the text's.
const DERIVED_KEYS = new Set(['startDate', 'endDate', 'date', 'releaseDate', 'network']);
const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Every string in a value, with the key it sits under. */
function strings(value: unknown, key = ''): { key: string; text: string }[] {
  if (typeof value === 'string') return [{ key, text: value }];
  if (Array.isArray(value)) return value.flatMap((item) => strings(item, key));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([name, item]) => strings(item, name));
  return [];
}

// A column set beside the text (a date, a place) lands between two words of one value ("… with 99.97%
// \tJune 2023 – present\nuptime"): a value's words must follow each other in the text, a few words apart at most.
const SIDE_WORDS = 5;

function inText(value: string, words: string[], at: Map<string, number[]>): boolean {
  const wanted = flat(value).split(' ');
  const follows = (from: number, index: number): boolean => {
    if (index === wanted.length) return true;
    return (at.get(wanted[index] ?? '') ?? []).some((position) => position > from && position <= from + 1 + SIDE_WORDS && follows(position, index + 1));
  };
  return (at.get(wanted[0] ?? '') ?? []).some((position) => follows(position, 1)) || words.join(' ').includes(flat(value));
}

async function extracted(file: string): Promise<string> {
  const outcome = await extractDocument(new Uint8Array(readFileSync(`${fixtures}${file}`)));
  if (!outcome.ok) throw new Error(`${file}: ${outcome.code}`);
  return outcome.text;
}

describe('parseResume on our extractor’s text of the fixture CVs', () => {
  it('has an expectation for every fixture file', () => {
    expect(files).toEqual(Object.keys(expectations).filter((key) => !key.startsWith('$')).sort());
  });

  for (const file of files) {
    it(`finds the name, e-mail, employers, titles and schools of ${file}`, async () => {
      const expected = expectations[file];
      if (expected === undefined || typeof expected === 'string') throw new Error(`no expectation for ${file}`);
      const text = await extracted(file);
      const { resume } = parseResume(text);
      expect(Value.Check(JsonResume, resume)).toBe(true);
      const report = compareWithExpected(resume, expected);
      expect(report.failures).toEqual([]);
      expect(report.passed).toBe(report.checks);
      const words = flat(normaliseText(text)).split(' ');
      const at = new Map<string, number[]>();
      words.forEach((word, position) => at.set(word, [...(at.get(word) ?? []), position]));
      const invented = strings(resume)
        .filter(({ key }) => !DERIVED_KEYS.has(key))
        .flatMap(({ text: value }) => value.split('\n'))
        .filter((line) => line.trim() !== '' && !inText(line, words, at));
      expect(invented).toEqual([]);
    });
  }
});
