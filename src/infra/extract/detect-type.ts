import { isUtf8 } from 'node:buffer';
import type { DocumentType } from './extraction.js';
import { listZipEntryNames } from './docx/zip-directory.js';

/** What an upload is: a type we read, or a short human description of what it is instead. */
export type DetectedType = { type: DocumentType } | { type: undefined; description: string };

const PDF_SIGNATURE_WINDOW = 1024;
// Markup is judged from the start of a file; a CV in plain text may well contain a '<' further on.
const MARKUP_WINDOW = 4096;

const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Signatures of formats people upload by mistake, checked in order against the first bytes. */
const KNOWN_SIGNATURES: { description: string; matches: (bytes: Uint8Array) => boolean }[] = [
  { description: 'a PNG image', matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { description: 'a JPEG image', matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { description: 'a GIF image', matches: (b) => startsWithText(b, 'GIF87a') || startsWithText(b, 'GIF89a') },
  { description: 'a WebP image', matches: (b) => startsWithText(b, 'RIFF') && textAt(b, 8, 'WEBP') },
  { description: 'a TIFF image', matches: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]) },
  { description: 'a BMP image', matches: (b) => startsWithText(b, 'BM') && b.length >= 26 && hasNul(b, 64) },
  { description: 'a HEIC or AVIF image', matches: (b) => textAt(b, 4, 'ftyp') && ['heic', 'heix', 'mif1', 'avif'].some((brand) => textAt(b, 8, brand)) },
  { description: 'an audio or video file', matches: (b) => textAt(b, 4, 'ftyp') || startsWithText(b, 'OggS') || startsWithText(b, 'ID3') || startsWithText(b, 'fLaC') },
  { description: 'an audio or video file', matches: (b) => startsWithText(b, 'RIFF') && (textAt(b, 8, 'WAVE') || textAt(b, 8, 'AVI ')) },
  { description: 'an RTF document', matches: (b) => startsWithText(skipUtf8Bom(b), '{\\rtf') },
  { description: 'a PostScript file', matches: (b) => startsWithText(b, '%!PS') },
  { description: 'a gzip archive', matches: (b) => startsWith(b, [0x1f, 0x8b]) },
  { description: 'a 7-Zip archive', matches: (b) => startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) },
  { description: 'a RAR archive', matches: (b) => startsWithText(b, 'Rar!\x1a\x07') },
  { description: 'a program (ELF executable)', matches: (b) => startsWith(b, [0x7f, 0x45, 0x4c, 0x46]) },
  { description: 'a Windows program', matches: (b) => startsWithText(b, 'MZ') && hasNul(b, 64) },
];

// A document whose first element is one of these is a web page, whatever its declaration says.
const HTML_ELEMENTS = new Set([
  'html', 'head', 'body', 'meta', 'title', 'link', 'style', 'script', 'div', 'span', 'p', 'table', 'section', 'main',
  'article', 'header', 'nav', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'br', 'img', 'a', 'b', 'i', 'font', 'center', 'pre',
]);

/**
 * Tells from the bytes alone whether a file is a PDF, a DOCX or UTF-8 text; otherwise describes it.
 * Reads at most the ZIP central directory and decompresses nothing, so its cost is linear in the size.
 */
export async function detectDocumentType(bytes: Uint8Array): Promise<DetectedType> {
  if (bytes.length === 0) return unsupported('an empty file');
  if (indexOfText(bytes.subarray(0, PDF_SIGNATURE_WINDOW), '%PDF-') >= 0) return { type: 'pdf' };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return detectZipKind(bytes);
  if (startsWith(bytes, OLE2_MAGIC)) return unsupported(describeOle2(bytes));
  const known = KNOWN_SIGNATURES.find((signature) => signature.matches(bytes));
  if (known) return unsupported(known.description);
  return detectText(bytes);
}

function detectZipKind(bytes: Uint8Array): DetectedType {
  const names = listZipEntryNames(bytes);
  if (names === undefined) {
    // No readable central directory: a ZIP cut short. If its local headers show a Word document, the
    // reader reports it as damaged, which tells its owner more than "not a Word document" would.
    const looksLikeWord = indexOfText(bytes, 'word/document.xml') >= 0 && indexOfText(bytes, '[Content_Types].xml') >= 0;
    return looksLikeWord ? { type: 'docx' } : unsupported('a damaged ZIP archive');
  }
  const has = (name: string): boolean => names.has(name);
  if (has('word/document.xml') && has('[Content_Types].xml')) return { type: 'docx' };
  if (has('xl/workbook.xml')) return unsupported('an Excel workbook (.xlsx)');
  if (has('ppt/presentation.xml')) return unsupported('a PowerPoint presentation (.pptx)');
  if (has('mimetype')) return unsupported(describeOpenDocument(bytes));
  if (has('Index/Document.iwa')) return unsupported('an Apple Pages document');
  return unsupported('a ZIP archive that is not a Word document');
}

/** OpenDocument and EPUB store their media type uncompressed as the first entry, right after its local header. */
function describeOpenDocument(bytes: Uint8Array): string {
  const nameLength = readUint16(bytes, 26);
  const extraLength = readUint16(bytes, 28);
  const start = 30 + nameLength + extraLength;
  const mediaType = Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.max(0, Math.min(80, bytes.length - start))).toString('latin1');
  if (mediaType.startsWith('application/vnd.oasis.opendocument.text')) return 'an OpenDocument text (.odt)';
  if (mediaType.startsWith('application/vnd.oasis.opendocument.spreadsheet')) return 'an OpenDocument spreadsheet (.ods)';
  if (mediaType.startsWith('application/vnd.oasis.opendocument.presentation')) return 'an OpenDocument presentation (.odp)';
  if (mediaType.startsWith('application/epub+zip')) return 'an EPUB e-book';
  return 'a ZIP archive that is not a Word document';
}

/** OLE2 holds .doc, .xls, .ppt and also password-protected .docx files; its stream names (UTF-16LE) tell which. */
function describeOle2(bytes: Uint8Array): string {
  if (indexOfUtf16le(bytes, 'EncryptedPackage') >= 0) return 'a password-protected Office document';
  if (indexOfUtf16le(bytes, 'WordDocument') >= 0) return 'a legacy Word document (.doc)';
  if (indexOfUtf16le(bytes, 'Workbook') >= 0) return 'a legacy Excel workbook (.xls)';
  if (indexOfUtf16le(bytes, 'PowerPoint Document') >= 0) return 'a legacy PowerPoint presentation (.ppt)';
  return 'a legacy Office document (OLE2)';
}

function detectText(bytes: Uint8Array): DetectedType {
  if (startsWith(bytes, [0xff, 0xfe, 0x00, 0x00]) || startsWith(bytes, [0x00, 0x00, 0xfe, 0xff])) return unsupported('a UTF-32 text file (only UTF-8 text is read)');
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff]) || looksLikeBomlessUtf16(bytes)) {
    return unsupported('a UTF-16 text file (only UTF-8 text is read)');
  }
  const controls = countControlBytes(bytes);
  // A NUL never occurs in text; other stray controls (a DOS end-of-file mark, a vertical tab) may, a few.
  const fewControls = controls.nul === 0 && controls.other <= Math.max(4, bytes.length / 100);
  if (!fewControls) return unsupported('binary data');
  if (!isUtf8(bytes)) return unsupported('a text file that is not in UTF-8');
  const markup = describeMarkup(Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, MARKUP_WINDOW)).toString('utf8'));
  return markup === undefined ? { type: 'txt' } : unsupported(markup);
}

/** Names the markup a text starts with (after any declaration and comments), if it starts with markup. */
function describeMarkup(head: string): string | undefined {
  let rest = head.replace(/^\uFEFF/, '').trimStart();
  let declaration = '';
  for (;;) {
    const prolog = /^(<\?[\s\S]*?\?>|<!--[\s\S]*?-->)\s*/.exec(rest);
    if (!prolog) break;
    declaration += prolog[1] ?? '';
    rest = rest.slice(prolog[0].length);
  }
  const doctype = /^<!doctype\s+([\w:.-]+)/i.exec(rest);
  const element = /^<([A-Za-z][\w:.-]*)(?:\s[^<>]*)?\/?>/.exec(rest) ?? /^<([A-Za-z][\w:.-]*)\s/.exec(rest);
  const root = (doctype?.[1] ?? element?.[1])?.toLowerCase();
  if (root === undefined) return declaration.startsWith('<?xml') ? 'an XML document' : undefined;
  if (HTML_ELEMENTS.has(root)) return 'an HTML page';
  if (root === 'svg') return 'an SVG image';
  if (/progid\s*=\s*"Word\.Document"/i.test(declaration)) return 'a Word 2003 XML document';
  return 'an XML document';
}

function looksLikeBomlessUtf16(bytes: Uint8Array): boolean {
  // ASCII in UTF-16 puts a NUL in every other byte; binary formats do not keep that rhythm.
  const length = Math.min(bytes.length, 4096) & ~1;
  if (length < 8) return false;
  let evenNuls = 0;
  let oddNuls = 0;
  for (let index = 0; index < length; index += 2) {
    if (bytes[index] === 0) evenNuls += 1;
    if (bytes[index + 1] === 0) oddNuls += 1;
  }
  const pairs = length / 2;
  return (oddNuls > pairs * 0.4 && evenNuls === 0) || (evenNuls > pairs * 0.4 && oddNuls === 0);
}

function countControlBytes(bytes: Uint8Array): { nul: number; other: number } {
  let nul = 0;
  let other = 0;
  for (const byte of bytes) {
    if (byte === 0) nul += 1;
    else if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) || byte === 0x7f) other += 1;
  }
  return { nul, other };
}

function unsupported(description: string): DetectedType {
  return { type: undefined, description };
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}

function textAt(bytes: Uint8Array, offset: number, text: string): boolean {
  if (bytes.length < offset + text.length) return false;
  for (let index = 0; index < text.length; index += 1) if (bytes[offset + index] !== text.charCodeAt(index)) return false;
  return true;
}

function startsWithText(bytes: Uint8Array, text: string): boolean {
  return textAt(bytes, 0, text);
}

function skipUtf8Bom(bytes: Uint8Array): Uint8Array {
  return startsWith(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes;
}

function hasNul(bytes: Uint8Array, within: number): boolean {
  return bytes.subarray(0, within).includes(0);
}

function readUint16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] ?? 0) | ((bytes[offset + 1] ?? 0) << 8);
}

function indexOfText(bytes: Uint8Array, text: string): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(text, 0, 'latin1');
}

function indexOfUtf16le(bytes: Uint8Array, text: string): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(Buffer.from(text, 'utf16le'));
}
