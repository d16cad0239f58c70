import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { minOcrConfidence, recognisePdfPages } from '../../ocr/recognise-pdf-pages.js';
import { ExtractionError } from '../extraction.js';
import type { ExtractedText, ExtractionLimits } from '../extraction.js';
import { mayShowTextAsGraphics } from './page-drawing.js';
import { layOutPageText } from './page-text.js';
import { openPdfDocument, toExtractionError } from './pdfjs.js';
import { readPlacedText } from './placed-text.js';

/**
 * A page with fewer letters than this in its text layer is treated as an image of text (a scan, or a page
 * with only a scanned signature block): a real CV page carries hundreds of letters, while scanners and
 * "print to PDF" of photos leave none or a few stray characters (a page number, an OCR-less header).
 */
export const minLettersPerTextPage = 30;

function countLetters(text: string): number {
  return text.match(/\p{L}/gu)?.length ?? 0;
}

/** Runs a pdf.js call on a page; a page that pdf.js cannot parse is a damaged file, not a fault of ours. */
async function parsePage<T>(doc: PDFDocumentProxy, pageNumber: number, read: (page: PDFPageProxy) => Promise<T>): Promise<T> {
  try {
    const page = await doc.getPage(pageNumber);
    try {
      return await read(page);
    } finally {
      page.cleanup();
    }
  } catch (error) {
    throw toExtractionError(error);
  }
}

function noTextLayer(detail: string): ExtractionError {
  return new ExtractionError('no_text_layer', `The PDF has no text layer ${detail}. Upload the original document (DOCX) or a PDF exported with its text.`);
}

/**
 * Reads a PDF's text in reading order, through OCR for pages that are images of text.
 * Throws `ExtractionError` for what it cannot read. The text is as laid out; repair it with `repairExtractedText`.
 */
export async function readPdf(bytes: Uint8Array, limits: ExtractionLimits): Promise<ExtractedText> {
  const doc = await openPdfDocument(bytes);
  try {
    if (doc.numPages > limits.maxPages) {
      throw new ExtractionError('too_many_pages', `The PDF has ${doc.numPages} pages; at most ${limits.maxPages} are read. Upload the CV on its own.`);
    }
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) pages.push(layOutPageText(await parsePage(doc, n, readPlacedText)));
    const hasTextLayer = pages.some((page) => countLetters(page) >= minLettersPerTextPage);

    const graphicPages: number[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      if (countLetters(pages[n - 1] ?? '') < minLettersPerTextPage && (await parsePage(doc, n, mayShowTextAsGraphics))) graphicPages.push(n);
    }
    let ocr: ExtractedText['source']['ocr'];
    // Pages past the OCR budget keep whatever text layer they have; most CVs put their substance first.
    const ocrPages = graphicPages.slice(0, limits.maxOcrPages);
    if (ocrPages.length > 0) {
      const recognised = await recognisePdfPages(doc, ocrPages);
      if (recognised.confidence >= minOcrConfidence) {
        for (const [pageNumber, text] of recognised.pages) pages[pageNumber - 1] = text;
        ocr = { confidence: recognised.confidence, languages: recognised.languages };
      } else if (!hasTextLayer) {
        throw noTextLayer(`and its scanned pages could not be read reliably (OCR confidence ${Math.round(recognised.confidence)} of 100; text in English or French is read best)`);
      }
      // Otherwise the text layer carries the CV, and an unreadable picture (a scanned certificate, a photo) is left out.
    }

    const text = pages.map((page) => page.trim()).filter((page) => page !== '').join('\n\n');
    if (countLetters(text) === 0) throw noTextLayer('and no readable text');
    return { ok: true, text, source: ocr ? { type: 'pdf', pages: doc.numPages, ocr } : { type: 'pdf', pages: doc.numPages } };
  } finally {
    await doc.destroy();
  }
}
