import { extractDocument } from '../extract/extract-document.js';
import type { ExtractionFailure, ExtractionLimits } from '../extract/extraction.js';
import './batch-priority.js';

// A module of its own, loaded by a worker thread only when it first reads a PDF (pdf.js takes a while to load).

/** A rendered PDF's text as a reader gets it, or why it could not be read. */
export type PdfTextReading = { ok: true; text: string; pages: number } | ExtractionFailure;

/** Reads the text of a PDF we rendered, to check it says what the CV says (see features/documents/text-check). */
export async function readPdfText(bytes: Uint8Array, limits: ExtractionLimits): Promise<PdfTextReading> {
  const extracted = await extractDocument(bytes, limits);
  if (!extracted.ok) return extracted;
  return { ok: true, text: extracted.text, pages: extracted.source.pages };
}

export default function runReadPdfText(input: Parameters<typeof readPdfText>): Promise<PdfTextReading> {
  return readPdfText(...input);
}
