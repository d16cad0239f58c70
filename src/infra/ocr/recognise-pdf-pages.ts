import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { createWorker, OEM } from 'tesseract.js';
import type { Page } from 'tesseract.js';
import { ExtractionError } from '../extract/extraction.js';
import { rasterisePdfPage } from './rasterise-page.js';
import { ocrLanguagePath, ocrLanguages } from './tesseract-languages.js';

/**
 * Below this mean word confidence the text is not trusted. Clean 200–300 dpi scans of Latin text score
 * 85–95 (a scanned CV page measured 93, outlined text 95); a page in a script without recognition data comes
 * out as gibberish with a low score (a page of Arabic measured 23), and a blurred or skewed phone photo lands
 * between. At 60 a reader would still recognise most words; below it, a CV built from the text would be
 * more invention than reading.
 */
export const minOcrConfidence = 60;
/**
 * A dense page takes 5–15 s on one core of a small server (13 s measured here for a full CV page); a page
 * that takes this long is not a CV page worth waiting for.
 */
const pageTimeoutMs = 60_000;
/** Loading both models takes about a second; tesseract.js never settles when its initialisation fails. */
const startTimeoutMs = 20_000;

export interface RecognisedPages {
  /** Text per page number. */
  pages: Map<number, string>;
  /** Mean word confidence, 0–100, over all words of all pages. */
  confidence: number;
  languages: string[];
}

function wordConfidences(page: Page): number[] {
  const words = (page.blocks ?? []).flatMap((block) => block.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words)));
  return words.filter((word) => /[\p{L}\p{N}]/u.test(word.text)).map((word) => word.confidence);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ExtractionError('extraction_timeout', `Reading the scanned pages took longer than ${ms / 1000} s. Upload the original document (DOCX) or a PDF exported with its text.`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Rasterises the given pages and reads them with Tesseract (English and French models from npm). Whether the
 * result is good enough is the caller's call: compare `confidence` with `minOcrConfidence`.
 */
export async function recognisePdfPages(doc: PDFDocumentProxy, pageNumbers: number[]): Promise<RecognisedPages> {
  const langPath = await ocrLanguagePath();
  const worker = await withTimeout(
    createWorker(ocrLanguages.join('+'), OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' }),
    startTimeoutMs,
  );
  try {
    const pages = new Map<number, string>();
    const confidences: number[] = [];
    for (const pageNumber of pageNumbers) {
      const image = await rasterisePdfPage(doc, pageNumber);
      const { data } = await withTimeout(worker.recognize(image, {}, { text: true, blocks: true }), pageTimeoutMs);
      pages.set(pageNumber, data.text);
      confidences.push(...wordConfidences(data));
    }
    const confidence = confidences.length === 0 ? 0 : confidences.reduce((sum, c) => sum + c, 0) / confidences.length;
    return { pages, confidence: Math.round(confidence * 10) / 10, languages: [...ocrLanguages] };
  } finally {
    await worker.terminate();
  }
}
