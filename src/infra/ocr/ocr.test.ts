import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildArabicScanPdf,
  buildCvWithUnreadableScanPdf,
  buildImageOnlyPdf,
  buildOutlinedTextPdf,
  buildScannedCvPdf,
  outlinedTextLines,
  scannedFixture,
} from '../../../test/support/generated-pdfs.js';
import { defaultExtractionLimits, ExtractionError } from '../extract/extraction.js';
import { readPdf } from '../extract/pdf/read-pdf.js';
import { repairExtractedText } from '../extract/repair-text.js';
import { wordRecall } from '../extract/word-recall.js';
import { minOcrConfidence } from './recognise-pdf-pages.js';

const fixtureDir = path.resolve(import.meta.dirname, '../../../test/fixtures');

// Recognising a full page takes 10–13 s of one core here. The tests run one after the other, so that the
// suites running beside them keep a core (side by side they starved them and each other).
describe('OCR of PDFs without a text layer', { timeout: 90_000 }, () => {
  it('reads a scanned CV page with at least 90 percent of its words and flags it as OCR', async () => {
    const started = performance.now();
    const result = await readPdf(await buildScannedCvPdf(), defaultExtractionLimits);
    const reference = readFileSync(path.join(fixtureDir, scannedFixture.reference), 'utf8');
    const { recall, words, missing } = wordRecall(reference, repairExtractedText(result.text));
    console.log(
      `scan: recall ${(recall * 100).toFixed(2)}% of ${words} words, confidence ${result.source.ocr?.confidence}, ${Math.round(performance.now() - started)} ms; missing: ${missing.join(' ')}`,
    );
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(result.source.pages).toBe(1);
    expect(result.source.ocr?.languages).toEqual(['eng', 'fra']);
    expect(result.source.ocr?.confidence).toBeGreaterThanOrEqual(minOcrConfidence);
    expect(result.source.ocr?.confidence).toBeLessThanOrEqual(100);
  });

  it('refuses an image-only page in a script without OCR data as no_text_layer, saying what to do', async () => {
    const error: unknown = await readPdf(await buildArabicScanPdf(), defaultExtractionLimits).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ExtractionError);
    expect((error as ExtractionError).code).toBe('no_text_layer');
    expect((error as ExtractionError).message).toMatch(/no text layer/u);
    expect((error as ExtractionError).message).toMatch(/upload the original document/iu);
    // Refused after recognition, for a low confidence.
    expect((error as ExtractionError).message).toMatch(/could not be read reliably \(OCR confidence \d+ of 100/u);
    console.log(`image-only Arabic page: ${(error as ExtractionError).message}`);
  });

  it('reads a page whose text was turned into outlines', async () => {
    const result = await readPdf(await buildOutlinedTextPdf(), defaultExtractionLimits);
    const { recall, missing } = wordRecall(outlinedTextLines.join('\n'), repairExtractedText(result.text));
    console.log(`outlined text: recall ${(recall * 100).toFixed(2)}%, confidence ${result.source.ocr?.confidence}; missing: ${missing.join(' ') || '-'}`);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(result.source.ocr?.confidence).toBeGreaterThanOrEqual(minOcrConfidence);
  });

  it('keeps the text layer of a CV and leaves out an attached page that OCR cannot read', async () => {
    const result = await readPdf(await buildCvWithUnreadableScanPdf(), defaultExtractionLimits);
    const reference = readFileSync(path.join(fixtureDir, scannedFixture.reference), 'utf8');
    expect(result.source).toEqual({ type: 'pdf', pages: 2 });
    expect(wordRecall(reference, repairExtractedText(result.text)).recall).toBe(1);
  });

  it('does not read a scan when the OCR budget is spent, and refuses it as no_text_layer', async () => {
    const scan = await buildImageOnlyPdf(new Uint8Array(readFileSync(path.join(fixtureDir, 'cvs/john-doe_pandoc-latex.pdf'))), 1, 72);
    const error: unknown = await readPdf(scan, { ...defaultExtractionLimits, maxOcrPages: 0 }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect((error as ExtractionError).code).toBe('no_text_layer');
    // Refused for having no text at all, not for a recognition that failed: no OCR ran.
    expect((error as ExtractionError).message).toMatch(/no readable text/u);
    expect((error as ExtractionError).message).not.toMatch(/could not be read/u);
  });
});
