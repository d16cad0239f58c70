import { ExtractionError, type ExtractedText } from '../extraction.js';

/** Reads a UTF-8 text file (byte-order mark dropped, line ends made LF) as one page of text. */
export function readTxt(bytes: Uint8Array): ExtractedText {
  let text: string;
  try {
    // fatal: a byte sequence that is not UTF-8 is refused rather than read as replacement characters
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ExtractionError('unsupported_type', 'This text file is not in UTF-8: save it as UTF-8 text and upload it again.', { cause: error });
  }
  return { ok: true, text: text.replace(/\r\n?/g, '\n'), source: { type: 'txt', pages: 1 } };
}
