import { detectDocumentType } from './detect-type.js';
import { defaultExtractionLimits, ExtractionError, type ExtractionLimits, type ExtractionOutcome } from './extraction.js';
import { readPdf } from './pdf/read-pdf.js';
import { repairExtractedText } from './repair-text.js';

/** Provisional entry point: PDF and TXT only. */
export async function extractDocument(bytes: Uint8Array, limits: ExtractionLimits = defaultExtractionLimits): Promise<ExtractionOutcome> {
  const detected = await detectDocumentType(bytes);
  if (detected.type === undefined) return { ok: false, code: 'unsupported_type', message: `The file is ${detected.description}.` };
  try {
    if (detected.type === 'pdf') {
      const read = await readPdf(bytes, limits);
      return { ...read, text: repairExtractedText(read.text) };
    }
    return { ok: true, text: repairExtractedText(new TextDecoder().decode(bytes)), source: { type: detected.type, pages: 1 } };
  } catch (error) {
    if (error instanceof ExtractionError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}
