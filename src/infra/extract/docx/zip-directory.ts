/**
 * Reads the names in a ZIP's central directory straight from the bytes, decompressing nothing, so
 * that type detection inside a request costs little whatever the archive claims to hold.
 */

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const END_RECORD_SIZE = 22;
const MAX_COMMENT_LENGTH = 0xffff;
/** Enough to classify any office document; an archive with more entries is no CV and is refused later. */
const MAX_NAMES = 20_000;

/** The entry names of a ZIP, or undefined when it has no readable central directory (a truncated file). */
export function listZipEntryNames(bytes: Uint8Array): Set<string> | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const endRecord = findEndRecord(view);
  if (endRecord === undefined) return undefined;
  let entryCount = view.getUint16(endRecord + 10, true);
  let directoryOffset = view.getUint32(endRecord + 16, true);
  if ((entryCount === 0xffff || directoryOffset === 0xffffffff) && endRecord >= 20 && view.getUint32(endRecord - 20, true) === ZIP64_END_LOCATOR) {
    const zip64Record = Number(view.getBigUint64(endRecord - 20 + 8, true));
    if (zip64Record + 56 > endRecord || view.getUint32(zip64Record, true) !== ZIP64_END_OF_CENTRAL_DIRECTORY) return undefined;
    entryCount = Number(view.getBigUint64(zip64Record + 32, true));
    directoryOffset = Number(view.getBigUint64(zip64Record + 48, true));
  }
  const names = new Set<string>();
  let offset = directoryOffset;
  const decoder = new TextDecoder('utf-8');
  for (let index = 0; index < Math.min(entryCount, MAX_NAMES); index += 1) {
    if (offset + 46 > endRecord || view.getUint32(offset, true) !== CENTRAL_DIRECTORY_HEADER) return undefined;
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (offset + 46 + nameLength > endRecord) return undefined;
    names.add(decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** The end-of-central-directory record sits in the last 22 bytes plus at most a 64 KiB comment. */
function findEndRecord(view: DataView): number | undefined {
  const lowest = Math.max(0, view.byteLength - END_RECORD_SIZE - MAX_COMMENT_LENGTH);
  for (let offset = view.byteLength - END_RECORD_SIZE; offset >= lowest; offset -= 1) {
    if (view.getUint32(offset, true) !== END_OF_CENTRAL_DIRECTORY) continue;
    const commentLength = view.getUint16(offset + 20, true);
    if (offset + END_RECORD_SIZE + commentLength === view.byteLength) return offset;
  }
  return undefined;
}
