/**
 * What reading an uploaded CV gives back. Extraction runs in a worker thread, so its outcome is plain
 * data (errors do not keep their fields across threads): either the text or a code and a message.
 */

export const documentTypes = ['pdf', 'docx', 'txt'] as const;
export type DocumentType = (typeof documentTypes)[number];

/** Why a file could not be read; each is shown to its owner with a message that says what to do. */
export const extractionErrorCodes = [
  'pdf_encrypted',
  'file_corrupt',
  'no_text_layer',
  'unsupported_type',
  'file_too_large',
  'too_many_pages',
  'extraction_timeout',
] as const;
export type ExtractionErrorCode = (typeof extractionErrorCodes)[number];

/** Where the text came from. */
export interface ExtractionSource {
  type: DocumentType;
  pages: number;
  /** Set when the text was recognised from page images. */
  ocr?: { confidence: number; languages: string[] };
}

export interface ExtractedText {
  ok: true;
  text: string;
  source: ExtractionSource;
}

export interface ExtractionFailure {
  ok: false;
  code: ExtractionErrorCode;
  message: string;
}

export type ExtractionOutcome = ExtractedText | ExtractionFailure;

/** Bounds on what one document may cost to read. */
export interface ExtractionLimits {
  maxPages: number;
  /** What a DOCX may decompress to, all parts together. */
  maxDecompressedBytes: number;
  /** Pages read by OCR at most (each costs about a second). */
  maxOcrPages: number;
}

export const defaultExtractionLimits: ExtractionLimits = {
  maxPages: 50,
  maxDecompressedBytes: 50 * 1024 * 1024,
  maxOcrPages: 10,
};

/** A failure raised inside extraction code; turned into an `ExtractionFailure` at the thread boundary. */
export class ExtractionError extends Error {
  constructor(
    readonly code: ExtractionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExtractionError';
  }
}
