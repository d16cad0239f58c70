/**
 * Files an upload must refuse or fail cleanly, built in code so that no hostile bytes sit in the
 * repository, and a small ZIP writer to build DOCX files with exactly the parts a test needs.
 *
 * What each gives through `extractDocument` (the codes the API reports):
 * - `zeroByteFile`, `pngRenamedAsPdf`, `htmlPage`, `legacyDoc`, `utf16Text`, `binaryNoise`: `unsupported_type`;
 * - `zipBombDocx`, `lyingZipBombDocx`: `file_too_large`;
 * - `xxeDocx`, `billionLaughsDocx`, `truncatedDocx`: `file_corrupt`.
 */
import { readFileSync } from 'node:fs';
import { constants, deflateRawSync, deflateSync } from 'node:zlib';

const fixtureCvs = new URL('../fixtures/cvs/', import.meta.url);

/**
 * A file in a ZIP: its bytes (deflated, or stored when `stored`), or a deflate stream made elsewhere with
 * the sizes the archive should declare.
 */
export type ZipEntry =
  | { name: string; data: Uint8Array | string; stored?: boolean }
  | { name: string; deflated: Uint8Array; crc: number; uncompressedSize: number; declaredUncompressedSize?: number };

/** An empty upload. */
export function zeroByteFile(): Buffer {
  return Buffer.alloc(0);
}

/** A real 1×1 PNG image, whatever name it is uploaded under. */
export function pngRenamedAsPdf(): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typeAndData));
    return Buffer.concat([length, typeAndData, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0); // width
  header.writeUInt32BE(1, 4); // height
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const scanline = Buffer.from([0, 0x33, 0x66, 0x99, 0xff]); // filter byte, then one pixel
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanline)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A CV saved as a web page. */
export function htmlPage(): Buffer {
  return Buffer.from(
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Jane Roe – CV</title></head>\n' +
      '<body><h1>Jane Roe</h1><p>Software engineer</p><script>alert(1)</script></body></html>\n',
  );
}

/**
 * A DOCX whose `word/document.xml` inflates to `mebibytes` MiB from a few hundred KiB, with its true
 * sizes declared. The deflate stream is one compressed MiB repeated: each piece ends on a full flush,
 * so it refers to nothing before it and the pieces can be laid end to end.
 */
export function zipBombDocx(mebibytes = 200): Buffer {
  return docxWithInflatingDocument(mebibytes, undefined);
}

/** The same bomb, but its headers declare a small `word/document.xml`: only the inflation itself shows the truth. */
export function lyingZipBombDocx(mebibytes = 200): Buffer {
  return docxWithInflatingDocument(mebibytes, 5_000);
}

/** A DOCX whose body names an external entity on `/etc/passwd` (XXE). */
export function xxeDocx(): Buffer {
  return minimalDocx({
    document: wordDocument('<w:p><w:r><w:t>Name: &xxe;</w:t></w:r></w:p>', '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
  });
}

/** A DOCX whose DTD defines entities that expand to a billion copies of one word. */
export function billionLaughsDocx(): Buffer {
  const entities = ['<!ENTITY lol "lol">'];
  for (let level = 1; level <= 9; level += 1) {
    const previous = level === 1 ? 'lol' : `lol${level - 1}`;
    entities.push(`<!ENTITY lol${level} "${`&${previous};`.repeat(10)}">`);
  }
  return minimalDocx({
    document: wordDocument('<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>', `<!DOCTYPE w:document [${entities.join('')}]>`),
  });
}

/** The fixture Word CV cut to 60% of its bytes, as an interrupted upload would leave it. */
export function truncatedDocx(): Buffer {
  const whole = readFileSync(new URL('john-doe_word-mac.docx', fixtureCvs));
  return whole.subarray(0, Math.floor(whole.length * 0.6));
}

/**
 * The start of a Word 97–2003 `.doc`: the OLE2 header and a directory sector naming the `WordDocument`
 * stream, which is all a type check looks at.
 */
export function legacyDoc(): Buffer {
  const file = Buffer.alloc(512 * 4);
  file.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 0);
  file.writeUInt16LE(0x003e, 24); // minor version
  file.writeUInt16LE(0x0003, 26); // major version 3: 512-byte sectors
  file.writeUInt16LE(0xfffe, 28); // little-endian
  file.writeUInt16LE(9, 30); // sector shift
  file.writeUInt16LE(6, 32); // mini sector shift
  file.writeUInt32LE(1, 48); // first directory sector
  const directory = 512 * 2;
  for (const [index, name] of ['Root Entry', 'WordDocument', '1Table'].entries()) {
    const entry = directory + index * 128;
    file.write(name, entry, 'utf16le');
    file.writeUInt16LE((name.length + 1) * 2, entry + 64);
    file[entry + 66] = index === 0 ? 5 : 2; // root storage, then streams
  }
  return file;
}

/** A CV saved as UTF-16 (Windows Notepad's "Unicode"), byte-order mark included. */
export function utf16Text(): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Jane Roe\r\nSoftware engineer\r\nExperience\r\n', 'utf16le')]);
}

/** Pseudo-random bytes, the same on every run. */
export function binaryNoise(length = 64 * 1024): Buffer {
  const bytes = Buffer.alloc(length);
  let state = 0x2545f491;
  for (let index = 0; index < length; index += 1) {
    // xorshift32: deterministic noise without a dependency
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

/** The namespaces Word declares on its parts, for the elements tests use (text boxes, drawings, VML). */
export const WORD_NAMESPACES = [
  'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"',
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"',
  'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"',
  'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"',
  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"',
  'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"',
  'xmlns:v="urn:schemas-microsoft-com:vml"',
].join(' ');

/** `word/document.xml` with the given body, optionally preceded by a DTD. */
export function wordDocument(body: string, doctype = ''): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    doctype +
    `<w:document ${WORD_NAMESPACES}><w:body>` +
    body +
    '</w:body></w:document>'
  );
}

/** A header or footer part (`w:hdr` or `w:ftr`) holding the given paragraphs. */
export function wordHeaderPart(kind: 'hdr' | 'ftr', body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<w:${kind} ${WORD_NAMESPACES}>${body}</w:${kind}>`
  );
}

/**
 * The smallest DOCX Word and mammoth accept: content types, relationships and the document, plus any
 * headers, footers, list numbering and further parts, related from the document as Word does.
 */
export function minimalDocx(parts: { document: string; headers?: string[]; footers?: string[]; numbering?: string; pages?: number; extra?: ZipEntry[] }): Buffer {
  const headers = parts.headers ?? [];
  const footers = parts.footers ?? [];
  const entries = docxEntries({ name: 'word/document.xml', data: parts.document }, headers, footers, parts.numbering);
  if (parts.pages !== undefined) {
    entries.push({
      name: 'docProps/app.xml',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">' +
        `<Pages>${parts.pages}</Pages></Properties>`,
    });
  }
  return zipArchive([...entries, ...(parts.extra ?? [])]);
}

/** A ZIP archive (no ZIP64) of the given entries. */
export function zipArchive(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const stored =
      'data' in entry
        ? (() => {
            const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
            const method = entry.stored === true ? 0 : 8;
            return { method, deflated: method === 0 ? data : deflateRawSync(data), crc: crc32(data), declared: data.length };
          })()
        : { method: 8, deflated: entry.deflated, crc: entry.crc, declared: entry.declaredUncompressedSize ?? entry.uncompressedSize };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt16LE(stored.method, 8);
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
    local.writeUInt32LE(stored.crc, 14);
    local.writeUInt32LE(stored.deflated.length, 18);
    local.writeUInt32LE(stored.declared, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, Buffer.from(stored.deflated));

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(stored.method, 10);
    central.writeUInt32LE(0x00210000, 12);
    central.writeUInt32LE(stored.crc, 16);
    central.writeUInt32LE(stored.deflated.length, 20);
    central.writeUInt32LE(stored.declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + stored.deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function docxWithInflatingDocument(mebibytes: number, declaredUncompressedSize: number | undefined): Buffer {
  const head = Buffer.from(wordDocument('<w:p><w:r><w:t>').replace('</w:body></w:document>', ''));
  const tail = Buffer.from('</w:t></w:r></w:p></w:body></w:document>');
  const piece = Buffer.alloc(1024 * 1024, 'a');
  const pieceDeflated = deflateRawSync(piece, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const pieces: Buffer[] = [deflateRawSync(head, { finishFlush: constants.Z_FULL_FLUSH })];
  let crc = crc32(head);
  const pieceCrc = crc32(piece);
  for (let index = 0; index < mebibytes; index += 1) {
    pieces.push(pieceDeflated);
    crc = crc32Combine(crc, pieceCrc, piece.length);
  }
  pieces.push(deflateRawSync(tail));
  crc = crc32Combine(crc, crc32(tail), tail.length);
  const uncompressedSize = head.length + mebibytes * piece.length + tail.length;
  const document: ZipEntry = { name: 'word/document.xml', deflated: Buffer.concat(pieces), crc, uncompressedSize, declaredUncompressedSize: declaredUncompressedSize ?? uncompressedSize };
  return docxArchive(document, [], []);
}

function docxArchive(document: ZipEntry, headers: string[], footers: string[]): Buffer {
  return zipArchive(docxEntries(document, headers, footers));
}

/** The parts of a DOCX: content types, relationships, the document, its headers and footers. */
function docxEntries(document: ZipEntry, headers: string[], footers: string[], numbering?: string): ZipEntry[] {
  const relationships = [
    ...(numbering === undefined ? [] : [relationship('rIdN', 'numbering', 'numbering.xml')]),
    ...headers.map((_, index) => relationship(`rIdH${index + 1}`, 'header', `header${index + 1}.xml`)),
    ...footers.map((_, index) => relationship(`rIdF${index + 1}`, 'footer', `footer${index + 1}.xml`)),
  ];
  const overrides = [
    override('/word/document.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'),
    ...headers.map((_, index) => override(`/word/header${index + 1}.xml`, 'application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml')),
    ...footers.map((_, index) => override(`/word/footer${index + 1}.xml`, 'application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml')),
  ];
  return [
    {
      name: '[Content_Types].xml',
      data:
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        overrides.join('') +
        '</Types>',
    },
    {
      name: '_rels/.rels',
      data: relationshipsPart([
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>',
      ]),
    },
    document,
    { name: 'word/_rels/document.xml.rels', data: relationshipsPart(relationships) },
    ...headers.map((data, index) => ({ name: `word/header${index + 1}.xml`, data })),
    ...footers.map((data, index) => ({ name: `word/footer${index + 1}.xml`, data })),
    ...(numbering === undefined ? [] : [{ name: 'word/numbering.xml', data: numbering }]),
  ];
}

function override(partName: string, contentType: string): string {
  return `<Override PartName="${partName}" ContentType="${contentType}"/>`;
}

function relationship(id: string, kind: 'header' | 'footer' | 'numbering', target: string): string {
  return `<Relationship Id="${id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/${kind}" Target="${target}"/>`;
}

function relationshipsPart(relationships: string[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    relationships.join('') +
    '</Relationships>'
  );
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte += 1) {
    let value = byte;
    for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    table[byte] = value >>> 0;
  }
  return table;
})();

/** CRC-32 as ZIP and PNG use it (Node 20's zlib has no crc32). */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The CRC-32 of A followed by B from those of A and B (zlib's crc32_combine), so a bomb's CRC costs nothing. */
function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  const times = (matrix: Uint32Array, vector: number): number => {
    let sum = 0;
    for (let index = 0; vector !== 0; index += 1, vector >>>= 1) if (vector & 1) sum ^= matrix[index] ?? 0;
    return sum >>> 0;
  };
  const square = (target: Uint32Array, matrix: Uint32Array): void => {
    for (let index = 0; index < 32; index += 1) target[index] = times(matrix, matrix[index] ?? 0);
  };
  if (lengthB <= 0) return crcA;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = 0xedb88320; // the operator for one zero bit
  for (let index = 1, row = 1; index < 32; index += 1, row <<= 1) odd[index] = row >>> 0;
  square(even, odd); // two zero bits
  square(odd, even); // four zero bits
  let crc = crcA;
  let remaining = lengthB;
  while (remaining !== 0) {
    square(even, odd);
    if (remaining & 1) crc = times(even, crc);
    remaining = Math.floor(remaining / 2);
    if (remaining === 0) break;
    square(odd, even);
    if (remaining & 1) crc = times(odd, crc);
    remaining = Math.floor(remaining / 2);
  }
  return (crc ^ crcB) >>> 0;
}
