import type { Readable } from 'node:stream';
import { inflateRawSync } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ExtractionError, type ExtractionLimits } from '../extraction.js';

/** A real DOCX has tens of parts, a few hundred with many images. */
const MAX_ENTRIES = 5_000;
/**
 * Office XML compresses about 30:1; 100:1 is the bound Apache POI holds Office files to. Small parts may
 * compress better (a run of spaces), and cost nothing however they inflate.
 */
const MAX_RATIO = 100;
const RATIO_CHECKED_ABOVE = 1024 * 1024;
const STORED = 0;
const DEFLATED = 8;
const MEBIBYTE = 1024 * 1024;

/**
 * Opens a DOCX's ZIP and inflates every part within the limits, before any other library sees it:
 * the entry count, the declared sizes and ratios, then the sizes the streams really inflate to (the
 * central directory can lie). Every part is searched for a DTD, which Word never writes and which is
 * how external entities (XXE) and entity expansion get in. Returns the XML parts as text.
 */
export async function inflateDocxParts(bytes: Uint8Array, limits: ExtractionLimits): Promise<Map<string, string>> {
  const zip = await openZip(bytes);
  try {
    const entries = await listEntries(zip);
    checkDeclaredSizes(entries, limits);
    const parts = new Map<string, string>();
    let inflatedTotal = 0;
    for (const entry of entries) {
      const inflated = await inflateEntry(zip, entry, limits.maxDecompressedBytes - inflatedTotal, limits);
      inflatedTotal += inflated.length;
      refuseUnsafeXml(entry.fileName, inflated);
      if (isXmlPart(entry.fileName)) parts.set(entry.fileName, inflated.toString('utf8'));
    }
    return parts;
  } finally {
    zip.close();
  }
}

async function openZip(bytes: Uint8Array): Promise<ZipFile> {
  try {
    return await yauzl.fromBufferPromise(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      lazyEntries: true,
      validateEntrySizes: true,
      strictFileNames: false,
    });
  } catch (error) {
    throw corrupt('its ZIP structure cannot be read (an incomplete upload?)', error);
  }
}

/** Reads the central directory only. */
async function listEntries(zip: ZipFile): Promise<Entry[]> {
  if (zip.entryCount > MAX_ENTRIES) {
    throw new ExtractionError('file_too_large', `This Word document has ${zip.entryCount} parts, more than the ${MAX_ENTRIES} allowed.`);
  }
  const entries: Entry[] = [];
  const names = new Set<string>();
  try {
    for await (const entry of zip.eachEntry()) {
      // Two parts under one name would let this check read one and the converter the other.
      if (names.has(entry.fileName)) throw corrupt(`it holds two parts named ${entry.fileName}`);
      names.add(entry.fileName);
      entries.push(entry);
    }
  } catch (error) {
    if (error instanceof ExtractionError) throw error;
    throw corrupt('its ZIP directory is damaged', error);
  }
  if (!names.has('word/document.xml')) throw corrupt('it has no word/document.xml');
  return entries;
}

function checkDeclaredSizes(entries: Entry[], limits: ExtractionLimits): void {
  const declaredTotal = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  if (declaredTotal > limits.maxDecompressedBytes) {
    throw tooLarge(`This Word document decompresses to ${mebibytes(declaredTotal)} MiB, more than the ${mebibytes(limits.maxDecompressedBytes)} MiB allowed.`);
  }
  for (const entry of entries) {
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize > RATIO_CHECKED_ABOVE && ratio > MAX_RATIO) {
      throw tooLarge(`This Word document looks like a ZIP bomb: ${entry.fileName} is compressed ${Math.round(ratio)} to 1.`);
    }
  }
}

/**
 * Inflates one part, never beyond what it declares nor beyond what is left of the budget. yauzl hands
 * over the raw stream and the inflation is ours, so that going past the declared size is told apart
 * from a damaged stream.
 */
async function inflateEntry(zip: ZipFile, entry: Entry, budget: number, limits: ExtractionLimits): Promise<Buffer> {
  if (entry.isEncrypted()) throw corrupt(`${entry.fileName} is encrypted`);
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    throw corrupt(`${entry.fileName} uses compression method ${entry.compressionMethod}, which Word does not write`);
  }
  let raw: Buffer;
  try {
    raw = await readAll(await zip.openReadStreamPromise(entry, { decodeFileData: false }));
  } catch (error) {
    throw corrupt(`${entry.fileName} cannot be read`, error);
  }
  const allowed = Math.min(entry.uncompressedSize, budget);
  if (entry.compressionMethod === STORED) {
    if (raw.length > allowed) throw inflatesBeyond(entry, limits);
    return raw;
  }
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(raw, { maxOutputLength: Math.max(allowed, 1) });
  } catch (error) {
    // Node says RangeError when the output would pass maxOutputLength.
    if (error instanceof RangeError) throw inflatesBeyond(entry, limits, error);
    throw corrupt(`${entry.fileName} is damaged`, error);
  }
  if (inflated.length !== entry.uncompressedSize) throw corrupt(`${entry.fileName} is shorter than it declares`);
  return inflated;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function refuseUnsafeXml(name: string, content: Buffer): void {
  // Any casing: XML wants "<!DOCTYPE", but parsers differ in what they forgive.
  if (/<!(?:doctype|entity)/i.test(content.toString('latin1'))) throw corrupt(`${name} carries a DTD, which Word never writes`);
  if (isXmlPart(name) && (content[0] === 0xff || content[0] === 0xfe || content.includes(0))) {
    // UTF-16 would hide a DTD from the search above; Word writes its parts in UTF-8.
    throw corrupt(`${name} is not UTF-8 XML`);
  }
}

function isXmlPart(name: string): boolean {
  return name.endsWith('.xml') || name.endsWith('.rels');
}

function corrupt(reason: string, cause?: unknown): ExtractionError {
  return new ExtractionError('file_corrupt', `This Word document is damaged or not a real .docx file: ${reason}.`, { cause });
}

function tooLarge(message: string, cause?: unknown): ExtractionError {
  return new ExtractionError('file_too_large', message, { cause });
}

function inflatesBeyond(entry: Entry, limits: ExtractionLimits, cause?: unknown): ExtractionError {
  const bound = Math.min(entry.uncompressedSize, limits.maxDecompressedBytes);
  return tooLarge(`This Word document looks like a ZIP bomb: ${entry.fileName} decompresses to more than the ${bound} bytes it declares.`, cause);
}

function mebibytes(bytes: number): number {
  return Math.round((bytes / MEBIBYTE) * 10) / 10;
}
