// Reads which Unicode code points a TrueType/OpenType font maps to a glyph, from its `cmap` table, so a
// render can be refused before Typst would draw an empty box (it reports no warning for a missing glyph).

/** A run of code points a font has glyphs for, both ends included. */
export interface CodePointRange {
  first: number;
  last: number;
}

/** Thrown for bytes that are not a font with a Unicode `cmap` subtable this reader knows. */
export class FontFormatError extends Error {
  override name = 'FontFormatError';
}

/** The code points a font file maps to a glyph other than .notdef, as sorted, merged ranges. */
export function readCmapCoverage(font: Uint8Array): CodePointRange[] {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const cmap = findTable(view, 'cmap');
  const subtable = pickUnicodeSubtable(view, cmap);
  const format = view.getUint16(subtable);
  const ranges = format === 12 ? readFormat12(view, subtable) : format === 4 ? readFormat4(view, subtable) : undefined;
  if (!ranges) throw new FontFormatError(`Unsupported cmap subtable format ${format}.`);
  return mergeRanges(ranges);
}

/** Whether `codePoint` falls in one of `ranges` (sorted and merged, as `readCmapCoverage` gives them). */
export function coversCodePoint(ranges: readonly CodePointRange[], codePoint: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const range = ranges[middle] as CodePointRange;
    if (codePoint < range.first) high = middle - 1;
    else if (codePoint > range.last) low = middle + 1;
    else return true;
  }
  return false;
}

function findTable(view: DataView, tag: string): number {
  if (view.byteLength < 12) throw new FontFormatError('Too short to be a font.');
  const tables = view.getUint16(4);
  for (let index = 0; index < tables; index++) {
    const record = 12 + index * 16;
    if (record + 16 > view.byteLength) break;
    const name = String.fromCharCode(view.getUint8(record), view.getUint8(record + 1), view.getUint8(record + 2), view.getUint8(record + 3));
    if (name === tag) return view.getUint32(record + 8);
  }
  throw new FontFormatError(`The font has no ${tag} table.`);
}

// Full-repertoire subtables first (they reach past the Basic Multilingual Plane), then BMP ones.
const subtablePreference = [
  [3, 10],
  [0, 6],
  [0, 4],
  [3, 1],
  [0, 3],
  [0, 2],
  [0, 1],
  [0, 0],
] as const;

function pickUnicodeSubtable(view: DataView, cmap: number): number {
  const count = view.getUint16(cmap + 2);
  const offsets = new Map<string, number>();
  for (let index = 0; index < count; index++) {
    const record = cmap + 4 + index * 8;
    const offset = cmap + view.getUint32(record + 4);
    const format = view.getUint16(offset);
    if (format === 4 || format === 12) offsets.set(`${view.getUint16(record)}/${view.getUint16(record + 2)}`, offset);
  }
  for (const [platform, encoding] of subtablePreference) {
    const offset = offsets.get(`${platform}/${encoding}`);
    if (offset !== undefined) return offset;
  }
  throw new FontFormatError('The font has no Unicode cmap subtable.');
}

function readFormat12(view: DataView, subtable: number): CodePointRange[] {
  const groups = view.getUint32(subtable + 12);
  const ranges: CodePointRange[] = [];
  for (let index = 0; index < groups; index++) {
    const group = subtable + 16 + index * 12;
    const first = view.getUint32(group);
    const last = view.getUint32(group + 4);
    const startGlyph = view.getUint32(group + 8);
    // Glyph 0 is .notdef: a group starting there maps its first code point to nothing.
    if (startGlyph === 0) {
      if (first < last) ranges.push({ first: first + 1, last });
    } else {
      ranges.push({ first, last });
    }
  }
  return ranges;
}

function readFormat4(view: DataView, subtable: number): CodePointRange[] {
  const segments = view.getUint16(subtable + 6) / 2;
  const ends = subtable + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  const ranges: CodePointRange[] = [];
  for (let segment = 0; segment < segments; segment++) {
    const end = view.getUint16(ends + segment * 2);
    const start = view.getUint16(starts + segment * 2);
    const delta = view.getUint16(deltas + segment * 2);
    const rangeOffsetAt = rangeOffsets + segment * 2;
    const rangeOffset = view.getUint16(rangeOffsetAt);
    if (start === 0xffff) continue;
    for (let codePoint = start; codePoint <= end; codePoint++) {
      let glyph: number;
      if (rangeOffset === 0) {
        glyph = (codePoint + delta) & 0xffff;
      } else {
        const glyphAt = rangeOffsetAt + rangeOffset + (codePoint - start) * 2;
        const raw = glyphAt + 2 <= view.byteLength ? view.getUint16(glyphAt) : 0;
        glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
      }
      if (glyph !== 0) ranges.push({ first: codePoint, last: codePoint });
    }
  }
  return ranges;
}

function mergeRanges(ranges: CodePointRange[]): CodePointRange[] {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  const merged: CodePointRange[] = [];
  for (const range of sorted) {
    const previous = merged[merged.length - 1];
    if (previous && range.first <= previous.last + 1) previous.last = Math.max(previous.last, range.last);
    else merged.push({ ...range });
  }
  return merged;
}
