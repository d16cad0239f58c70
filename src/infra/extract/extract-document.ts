import { detectDocumentType } from './detect-type.js';
import { readDocx } from './docx/read-docx.js';
import {
  defaultExtractionLimits,
  ExtractionError,
  type DocumentType,
  type ExtractedText,
  type ExtractionLimits,
  type ExtractionOutcome,
} from './extraction.js';
import { readPdf } from './pdf/read-pdf.js';
import { repairExtractedText } from './repair-text.js';
import { readTxt } from './txt/read-txt.js';

/**
 * Reads an uploaded CV: detects its type from the bytes, reads it, repairs the text.
 *
 * Failures come back as `{ok: false, code, message}`: `unsupported_type` for anything but a PDF, a DOCX
 * or UTF-8 text (the message says what the file is); the readers' own codes otherwise. A DOCX or TXT
 * without a single letter fails `no_text_layer`, as a scanned PDF without OCR does: the file is sound
 * but holds no text to read (a Word file of pasted images, an empty text file), and the owner's remedy
 * is the same, to upload the text (a PDF reader's text without letters is refused the same way). Errors
 * that are not `ExtractionError` are bugs and propagate.
 */
export async function extractDocument(bytes: Uint8Array, limits: ExtractionLimits = defaultExtractionLimits): Promise<ExtractionOutcome> {
  try {
    const detected = await detectDocumentType(bytes);
    if (detected.type === undefined) {
      throw new ExtractionError('unsupported_type', `Only PDF, Word (.docx) and UTF-8 text files can be read; this is ${detected.description}.`);
    }
    const extracted = await readDocument(detected.type, bytes, limits);
    const text = repairExtractedText(extracted.text);
    if (!/\p{L}/u.test(text)) throw new ExtractionError('no_text_layer', noTextMessage(detected.type));
    return { ...extracted, text };
  } catch (error) {
    if (error instanceof ExtractionError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}

async function readDocument(type: DocumentType, bytes: Uint8Array, limits: ExtractionLimits): Promise<ExtractedText> {
  switch (type) {
    case 'pdf':
      return readPdf(bytes, limits);
    case 'docx':
      return readDocx(bytes, limits);
    case 'txt':
      return readTxt(bytes);
  }
}

function noTextMessage(type: DocumentType): string {
  switch (type) {
    case 'pdf':
      return 'This PDF contains no text we can read.';
    case 'docx':
      return 'This Word document contains no text, only images or empty pages. Upload a version with the text itself.';
    case 'txt':
      return 'This text file contains no text.';
  }
}
