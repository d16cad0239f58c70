import type { DocumentType } from './extraction.js';

export type DetectedType = { type: DocumentType } | { type: undefined; description: string };

/** Provisional detection by magic bytes only. */
export async function detectDocumentType(bytes: Uint8Array): Promise<DetectedType> {
  await Promise.resolve();
  if (bytes.byteLength === 0) return { type: undefined, description: 'an empty file' };
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return { type: 'pdf' };
  if (head.startsWith('PK\u0003\u0004')) return { type: 'docx' };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return /^\s*</.test(head) ? { type: undefined, description: 'an HTML page' } : { type: 'txt' };
  } catch {
    return { type: undefined, description: 'binary data' };
  }
}
