import { extractDocument } from '../extract/extract-document.js';
import type { ExtractionFailure, ExtractionLimits, ExtractionSource } from '../extract/extraction.js';
import { parseResume, type ParsedCv } from '../../resume/parse-resume.js';
import './batch-priority.js';

// A module of its own, loaded by a worker thread only when it first reads a CV: pdf.js, mammoth and
// OCR take a while to load, and a thread that only answers health probes should not wait for them.

/** A CV read from its file: the text, where it came from, and the structured CV parsed from it. */
export type CvReading = ({ ok: true; text: string; source: ExtractionSource } & ParsedCv) | ExtractionFailure;

/** Reads an uploaded CV's text and parses it into a structured CV, in one trip to a thread. */
export async function readCv(bytes: Uint8Array, limits: ExtractionLimits): Promise<CvReading> {
  const extracted = await extractDocument(bytes, limits);
  if (!extracted.ok) return extracted;
  return { ...extracted, ...parseResume(extracted.text) };
}

export default function runReadCv(input: Parameters<typeof readCv>): Promise<CvReading> {
  return readCv(...input);
}
