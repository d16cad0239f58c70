import { extractDocument } from '../../src/infra/extract/extract-document.js';

/** The text layer of a PDF (a Buffer from a response, or bytes), as our reader sees it. */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  const outcome = await extractDocument(new Uint8Array(pdf));
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
  return outcome.text;
}

/** Matches `phrase` with any run of white space (a line break included) between its words. */
export function wordsInOrder(phrase: string): RegExp {
  const words = phrase.split(/\s+/).map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(words.join('\\s+'));
}
