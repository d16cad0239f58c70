import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { ExtractionError } from '../extraction.js';
import { installPdfjsWorker } from './pdfjs-worker.js';

const packageDir = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/** pdf.js reads its data files from these folders itself; a trailing separator is required. */
const assetDirs = {
  cMapUrl: path.join(packageDir, 'cmaps') + path.sep,
  standardFontDataUrl: path.join(packageDir, 'standard_fonts') + path.sep,
  wasmUrl: path.join(packageDir, 'wasm') + path.sep,
  iccUrl: path.join(packageDir, 'iccs') + path.sep,
};

/** Opens a PDF with pdf.js offline (local CMaps, fonts and decoders), mapping its failures to extraction codes. */
export async function openPdfDocument(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  await installPdfjsWorker();
  const task = getDocument({
    // pdf.js may transfer (detach) the buffer it is given, and refuses a Buffer: a plain copy keeps
    // the caller's bytes usable, whatever kind of view they came in.
    data: new Uint8Array(bytes),
    ...assetDirs,
    cMapPacked: true,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  try {
    return await task.promise;
  } catch (error) {
    await task.destroy();
    throw toExtractionError(error);
  }
}

/** Maps a pdf.js failure to an extraction code by the error's name (its messages are not a contract). */
export function toExtractionError(error: unknown): ExtractionError {
  if (error instanceof ExtractionError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') {
    return new ExtractionError('pdf_encrypted', 'The PDF is protected by a password. Upload a copy without a password.', { cause: error });
  }
  return new ExtractionError('file_corrupt', 'The PDF is damaged or incomplete and cannot be read. Export it again and upload the new file.', { cause: error });
}
