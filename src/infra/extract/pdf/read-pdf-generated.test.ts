import { describe, expect, it } from 'vitest';
import {
  buildCorruptPdf,
  buildManyPagesPdf,
  buildNonEmbeddedCjkPdf,
  buildScriptCvPdf,
  buildTruncatedPdf,
  contactLine,
  encryptedPdf,
  nonEmbeddedCjkLines,
  scriptSamples,
} from '../../../../test/support/generated-pdfs.js';
import type { GeneratedScript } from '../../../../test/support/generated-pdfs.js';
import { defaultExtractionLimits, ExtractionError } from '../extraction.js';
import type { ExtractionErrorCode } from '../extraction.js';
import { repairExtractedText } from '../repair-text.js';
import { wordRecall } from '../word-recall.js';
import { readPdf } from './read-pdf.js';

async function extract(bytes: Uint8Array): Promise<string> {
  return repairExtractedText((await readPdf(bytes, defaultExtractionLimits)).text);
}

async function failureCode(bytes: Uint8Array): Promise<ExtractionErrorCode> {
  const error: unknown = await readPdf(bytes, defaultExtractionLimits).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ExtractionError);
  return (error as ExtractionError).code;
}

const scripts = Object.keys(scriptSamples) as GeneratedScript[];

describe('readPdf on generated CVs in other scripts', () => {
  it.each(scripts)('%s: recovers at least 98 percent of the words, in the order typed', async (script) => {
    const sample = scriptSamples[script];
    const text = await extract(await buildScriptCvPdf(script));
    const reference = [sample.lines[0], sample.lines[1], contactLine, ...sample.lines.slice(2)].join('\n');
    const { recall, words, missing } = wordRecall(reference, text);
    console.log(`${script}: recall ${(recall * 100).toFixed(2)}% of ${words} words; missing: ${missing.join(' ') || '-'}`);
    expect(recall).toBeGreaterThanOrEqual(0.98);
    // Logical order: every line comes out exactly as typed (right-to-left runs not reversed), top to bottom.
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toEqual(reference.split('\n'));
  });

  it('reads a PDF whose CJK font is not embedded, through the predefined CMaps', async () => {
    const text = await extract(buildNonEmbeddedCjkPdf());
    const reference = nonEmbeddedCjkLines.join('\n');
    const { recall } = wordRecall(reference, text);
    console.log(`non-embedded CJK: recall ${(recall * 100).toFixed(2)}%`);
    expect(recall).toBeGreaterThanOrEqual(0.98);
    expect(text.split('\n').filter((line) => line !== '')).toEqual(nonEmbeddedCjkLines);
  });
});

describe('readPdf on hostile PDFs', () => {
  it('refuses an encrypted PDF as pdf_encrypted', async () => {
    expect(await failureCode(encryptedPdf())).toBe('pdf_encrypted');
  });

  it('refuses random bytes behind a PDF header as file_corrupt', async () => {
    expect(await failureCode(buildCorruptPdf())).toBe('file_corrupt');
  });

  it('refuses a truncated PDF as file_corrupt', async () => {
    expect(await failureCode(buildTruncatedPdf())).toBe('file_corrupt');
  });

  it('refuses an empty file as file_corrupt', async () => {
    expect(await failureCode(new Uint8Array())).toBe('file_corrupt');
  });

  it('refuses a 5000-page PDF as too_many_pages without reading its pages', async () => {
    const built = performance.now();
    const bytes = buildManyPagesPdf();
    const generationMs = performance.now() - built;
    const started = performance.now();
    expect(await failureCode(bytes)).toBe('too_many_pages');
    const refusalMs = performance.now() - started;
    console.log(`5000 pages: generated in ${generationMs.toFixed(0)} ms (${bytes.length} bytes), refused in ${refusalMs.toFixed(0)} ms`);
    expect(generationMs).toBeLessThan(1000);
    expect(refusalMs).toBeLessThan(1000);
  });

  it('reads a PDF with exactly as many pages as allowed', async () => {
    const result = await readPdf(buildManyPagesPdf(3), { ...defaultExtractionLimits, maxPages: 3 });
    expect(result.source.pages).toBe(3);
    expect(result.text.match(/Page of a very long document/gu)).toHaveLength(3);
  });
});
