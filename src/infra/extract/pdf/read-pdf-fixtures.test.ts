import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultExtractionLimits } from '../extraction.js';
import { repairExtractedText } from '../repair-text.js';
import { wordRecall } from '../word-recall.js';
import { readPdf } from './read-pdf.js';

const fixtureDir = path.resolve(import.meta.dirname, '../../../../test/fixtures/cvs');
const fixturePdfs = readdirSync(fixtureDir).filter((name) => name.endsWith('.pdf'));

async function readFixture(name: string): Promise<string> {
  const result = await readPdf(new Uint8Array(readFileSync(path.join(fixtureDir, name))), defaultExtractionLimits);
  return repairExtractedText(result.text);
}

function linesOf(text: string): string[] {
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
}

/** Index of the first line that contains `fragment`; fails the test when there is none. */
function lineIndex(lines: string[], fragment: string): number {
  const index = lines.findIndex((line) => line.includes(fragment));
  expect(index, `a line with "${fragment}"`).toBeGreaterThanOrEqual(0);
  return index;
}

describe('readPdf on the fixture CVs', () => {
  it.each(fixturePdfs)('%s keeps at least 98 percent of its reference words', async (name) => {
    const reference = readFileSync(path.join(fixtureDir, name.replace(/\.pdf$/u, '.reference.txt')), 'utf8');
    const started = performance.now();
    const text = await readFixture(name);
    const { recall, words, missing } = wordRecall(reference, text);
    console.log(`${name}: recall ${(recall * 100).toFixed(2)}% of ${words} words in ${Math.round(performance.now() - started)} ms; missing: ${missing.join(' ') || '-'}`);
    expect(recall).toBeGreaterThanOrEqual(0.98);
  });

  it('reports the page count and no OCR for a born-digital file', async () => {
    const result = await readPdf(new Uint8Array(readFileSync(path.join(fixtureDir, 'john-smith_word2016.pdf'))), defaultExtractionLimits);
    expect(result.source).toEqual({ type: 'pdf', pages: 3 });
  });
});

describe('reading order', () => {
  it('reads the gengar sidebar as one block before the main column', async () => {
    const lines = linesOf(await readFixture('reactive-resume_gengar_sidebar.pdf'));
    const sidebar = ['John Doe', 'Pleasantville, CA 94588', 'Profiles', 'Web Technologies', 'Webpack, Git, Jenkins', 'Certifications', 'Amazon Web Services'];
    const main = ['Innovative Web Developer with 5 years', 'Experience', 'Creative Solutions Inc.', 'TechAdvancers', 'University of California', 'Interactive Dashboard'];
    const sidebarAt = sidebar.map((fragment) => lineIndex(lines, fragment));
    const mainAt = main.map((fragment) => lineIndex(lines, fragment));
    // Each column in its own order, and every sidebar line before the first main-column line.
    expect(sidebarAt).toEqual([...sidebarAt].sort((a, b) => a - b));
    expect(mainAt).toEqual([...mainAt].sort((a, b) => a - b));
    expect(Math.max(...sidebarAt)).toBeLessThan(Math.min(...mainAt));
    // The sidebar's lines are contiguous: nothing from the main column between its first and last line.
    const sidebarBlock = lines.slice(sidebarAt[0], (sidebarAt.at(-1) ?? 0) + 1).join('\n');
    for (const fragment of main) expect(sidebarBlock).not.toContain(fragment);
  });

  it('reads each AltaCV column to its end before the other, with the header first', async () => {
    const lines = linesOf(await readFixture('altacv_sample_two-column.pdf'));
    const header = lineIndex(lines, 'YOUR NAME HERE');
    const left = ['EXPERIENCE', 'Job Title 1', 'Job Title 2', 'PROJECTS', 'Project 2', 'A DAY OF MY LIFE'].map((f) => lineIndex(lines, f));
    const right = ['MY LIFE PHILOSOPHY', 'MOST PROUD OF', 'STRENGTHS', 'LANGUAGES', 'EDUCATION', 'B.Sc. in Your Discipline'].map((f) => lineIndex(lines, f));
    expect(header).toBeLessThan(Math.min(...left));
    expect(left).toEqual([...left].sort((a, b) => a - b));
    expect(right).toEqual([...right].sort((a, b) => a - b));
    expect(Math.max(...left)).toBeLessThan(Math.min(...right));
    // Page 2: publications (left) before referees (right).
    expect(lineIndex(lines, 'Conference Proceedings')).toBeLessThan(lineIndex(lines, 'REFEREES'));
    expect(lineIndex(lines, 'REFEREES')).toBeLessThan(lineIndex(lines, 'Prof. Gamma Delta'));
  });

  it('keeps a title and its right-aligned date on one line in a single-column CV', async () => {
    const lines = linesOf(await readFixture('sourabh-bajaj_sb2nov.pdf'));
    expect(lines).toContain('Software Engineer\tOct 2016 – Present');
    expect(lines).toContain('• Georgia Institute of Technology\tAtlanta, GA');
    const openresume = linesOf(await readFixture('openresume_react-pdf.pdf'));
    expect(openresume).toContain('Software Engineer\tMay 2023 - Present');
  });

  it('keeps moderncv dates in the left margin on the line of their entry', async () => {
    const lines = linesOf(await readFixture('alfred-pennyworth_moderncv.pdf'));
    expect(lines).toContain('2012 – 2017 Software Development Engineer III, Amazon, Seattle, WA, USA');
    const chinese = linesOf(await readFixture('moderncv_chinese_template.pdf'));
    expect(chinese).toContain('年 – 年 学位, 院校, 城市, 成绩.');
    // The name block heads the page rather than landing between two columns.
    expect(chinese[0]).toBe('小龙 李');
  });
});
