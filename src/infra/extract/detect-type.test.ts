import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  billionLaughsDocx,
  binaryNoise,
  htmlPage,
  legacyDoc,
  lyingZipBombDocx,
  pngRenamedAsPdf,
  truncatedDocx,
  utf16Text,
  xxeDocx,
  zeroByteFile,
  zipArchive,
  zipBombDocx,
} from '../../../test/support/hostile-files.js';
import { detectDocumentType } from './detect-type.js';

const cvs = new URL('../../../test/fixtures/cvs/', import.meta.url);
const fixtureNames = readdirSync(cvs).filter((name) => /\.(pdf|docx|txt|json)$/.test(name));

/** What each fixture is, from its name: JSON is text, and so are the reference texts. */
function expectedType(name: string): string {
  if (name.endsWith('.pdf')) return 'pdf';
  if (name.endsWith('.docx')) return 'docx';
  return 'txt';
}

const text = (value: string): Buffer => Buffer.from(value, 'utf8');

describe('detectDocumentType', () => {
  it('finds the fixtures', () => {
    expect(fixtureNames.filter((name) => name.endsWith('.pdf'))).toHaveLength(10);
    expect(fixtureNames).toContain('john-doe_word-mac.docx');
  });

  it.each(fixtureNames)('detects %s by its bytes', async (name) => {
    expect(await detectDocumentType(readFileSync(new URL(name, cvs)))).toEqual({ type: expectedType(name) });
  });

  it.each([
    ['zeroByteFile', zeroByteFile(), 'an empty file'],
    ['pngRenamedAsPdf', pngRenamedAsPdf(), 'a PNG image'],
    ['htmlPage', htmlPage(), 'an HTML page'],
    ['legacyDoc', legacyDoc(), 'a legacy Word document (.doc)'],
    ['utf16Text', utf16Text(), 'a UTF-16 text file (only UTF-8 text is read)'],
    ['binaryNoise', binaryNoise(), 'binary data'],
  ])('describes %s', async (_name, bytes, description) => {
    expect(await detectDocumentType(bytes)).toEqual({ type: undefined, description });
  });

  it.each([
    ['zipBombDocx', zipBombDocx()],
    ['lyingZipBombDocx', lyingZipBombDocx()],
    ['xxeDocx', xxeDocx()],
    ['billionLaughsDocx', billionLaughsDocx()],
    // Cut short, it has no central directory, but its local headers show a Word document: the reader calls it damaged.
    ['truncatedDocx', truncatedDocx()],
  ])('passes %s on to the DOCX reader, whose guard refuses it', async (_name, bytes) => {
    expect(await detectDocumentType(bytes)).toEqual({ type: 'docx' });
  });

  it.each([
    ['a JPEG image', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46])],
    ['a GIF image', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00', 'latin1')],
    ['an RTF document', text('{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} Jane Roe\\par }')],
    ['an HTML page', text('\uFEFF  <!-- saved from url -->\n<html><body>Jane</body></html>')],
    ['an HTML page', text('<div class="cv"><p>Jane Roe</p></div>')],
    ['an SVG image', text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><text>Jane</text></svg>')],
    ['an XML document', text('<?xml version="1.0"?>\n<resume><name>Jane</name></resume>')],
    ['a Word 2003 XML document', text('<?xml version="1.0"?>\n<?mso-application progid="Word.Document"?>\n<w:wordDocument/>')],
    ['a text file that is not in UTF-8', Buffer.from('Lebenslauf\nJürgen Müller\n', 'latin1')],
    ['a ZIP archive that is not a Word document', zipArchive([{ name: 'cv.txt', data: 'Jane Roe' }])],
    ['an Excel workbook (.xlsx)', zipArchive([{ name: '[Content_Types].xml', data: '<Types/>' }, { name: 'xl/workbook.xml', data: '<workbook/>' }])],
    ['a damaged ZIP archive', zipArchive([{ name: 'cv.txt', data: 'Jane Roe' }]).subarray(0, 40)],
    ['a gzip archive', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0])],
  ])('describes %s', async (description, bytes) => {
    expect(await detectDocumentType(bytes)).toEqual({ type: undefined, description });
  });

  it('tells an OpenDocument text from its stored media type, decompressing nothing', async () => {
    const odt = zipArchive([
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.text', stored: true },
      { name: 'content.xml', data: '<office:document-content/>' },
    ]);
    expect(await detectDocumentType(odt)).toEqual({ type: undefined, description: 'an OpenDocument text (.odt)' });
  });

  it.each([
    ['a CV in plain text with markup characters further on', 'Jane Roe\nSkills: C++, <template> metaprogramming, a < b\n'],
    ['a CV whose first line starts with "<"', '<3 open source\nJane Roe\n'],
    ['JSON', '{"basics": {"name": "Jane Roe"}}'],
    ['Chinese, Russian and Persian text with a BOM', '\uFEFF王小龙\nАлексей Иванов\nعلی رضایی\n'],
    ['text with a DOS end-of-file mark and a form feed', 'Jane Roe\r\n\fPage two\r\n\x1a'],
  ])('takes %s as text', async (_what, value) => {
    expect(await detectDocumentType(text(value))).toEqual({ type: 'txt' });
  });

  it('finds a PDF whose signature follows some junk, as readers allow', async () => {
    expect(await detectDocumentType(Buffer.concat([Buffer.alloc(100, 0x20), text('%PDF-1.7\n')]))).toEqual({ type: 'pdf' });
    expect(await detectDocumentType(Buffer.concat([Buffer.alloc(2000, 0x20), text('%PDF-1.7\n')]))).toEqual({ type: 'txt' });
  });

  it('stays fast on a 10 MiB upload', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 'Experienced engineer. ');
    const started = performance.now();
    expect(await detectDocumentType(big)).toEqual({ type: 'txt' });
    expect(await detectDocumentType(binaryNoise(10 * 1024 * 1024))).toEqual({ type: undefined, description: 'binary data' });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
