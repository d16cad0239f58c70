import type { ExtractedText, ExtractionLimits } from '../extraction.js';

/**
 * Reads a PDF's text in reading order, through OCR when it has no text layer.
 * Throws `ExtractionError` for what it cannot read.
 */
export async function readPdf(bytes: Uint8Array, limits: ExtractionLimits): Promise<ExtractedText> {
  throw new Error(`PDF reading is not wired yet (${bytes.byteLength} bytes, ${limits.maxPages} pages at most)`);
}
