import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  billionLaughsDocx,
  binaryNoise,
  htmlPage,
  legacyDoc,
  lyingZipBombDocx,
  minimalDocx,
  pngRenamedAsPdf,
  truncatedDocx,
  utf16Text,
  wordDocument,
  xxeDocx,
  zeroByteFile,
  zipBombDocx,
} from '../../../test/support/hostile-files.js';
import type * as ExtractDocumentModule from './extract-document.js';
import type * as ExtractionModule from './extraction.js';
import type { ExtractionErrorCode } from './extraction.js';
import type * as ReadPdfModule from './pdf/read-pdf.js';
import type * as RepairTextModule from './repair-text.js';

// The PDF reader and the repair pass are others' work; here they are stand-ins that show they were called.
vi.mock('./pdf/read-pdf.js', () => ({ readPdf: vi.fn() }));
vi.mock('./repair-text.js', () => ({ repairExtractedText: vi.fn((text: string) => text) }));

// Test files share their worker's modules, so the real reader may be loaded already: the modules are
// loaded afresh here, with the stand-ins, and dropped afterwards, so no other file gets the stand-ins.
let extractDocument: typeof ExtractDocumentModule.extractDocument;
let ExtractionError: typeof ExtractionModule.ExtractionError;
let readPdf: typeof ReadPdfModule.readPdf;
let repairExtractedText: typeof RepairTextModule.repairExtractedText;
beforeAll(async () => {
  vi.resetModules();
  ({ extractDocument } = await import('./extract-document.js'));
  ({ ExtractionError } = await import('./extraction.js'));
  ({ readPdf } = await import('./pdf/read-pdf.js'));
  ({ repairExtractedText } = await import('./repair-text.js'));
});
afterAll(() => {
  vi.doUnmock('./pdf/read-pdf.js');
  vi.doUnmock('./repair-text.js');
  vi.resetModules();
});

const cvs = new URL('../../../test/fixtures/cvs/', import.meta.url);

afterEach(() => {
  vi.mocked(readPdf).mockReset();
  vi.mocked(repairExtractedText).mockImplementation((text: string) => text);
});

describe('extractDocument', () => {
  it('reads a DOCX and a TXT, with their source', async () => {
    const docx = await extractDocument(readFileSync(new URL('john-doe_word-mac.docx', cvs)));
    expect(docx).toMatchObject({ ok: true, source: { type: 'docx', pages: 1 } });
    expect(docx.ok && docx.text.startsWith('John Doe\n')).toBe(true);
    const txt = await extractDocument(readFileSync(new URL('john-doe_plain.txt', cvs)));
    expect(txt).toMatchObject({ ok: true, source: { type: 'txt', pages: 1 } });
    expect(txt.ok && txt.text).toContain('PROFESSIONAL SUMMARY\nExperienced software developer');
  });

  it('hands a PDF to the PDF reader with the limits, and its text to the repair pass', async () => {
    vi.mocked(readPdf).mockResolvedValue({ ok: true, text: 'ﬁrst line', source: { type: 'pdf', pages: 2 } });
    vi.mocked(repairExtractedText).mockImplementation((text) => text.replace('ﬁ', 'fi'));
    const limits = { maxPages: 5, maxDecompressedBytes: 1024, maxOcrPages: 1 };
    const outcome = await extractDocument(readFileSync(new URL('openresume_react-pdf.pdf', cvs)), limits);
    expect(outcome).toEqual({ ok: true, text: 'first line', source: { type: 'pdf', pages: 2 } });
    expect(vi.mocked(readPdf).mock.calls[0]?.[1]).toBe(limits);
  });

  it("returns the reader's ExtractionError as a failure", async () => {
    vi.mocked(readPdf).mockRejectedValue(new ExtractionError('pdf_encrypted', 'This PDF is protected by a password.'));
    expect(await extractDocument(readFileSync(new URL('openresume_react-pdf.pdf', cvs)))).toEqual({
      ok: false,
      code: 'pdf_encrypted',
      message: 'This PDF is protected by a password.',
    });
  });

  it('lets a programming error through rather than dressing it as a bad file', async () => {
    vi.mocked(readPdf).mockRejectedValue(new TypeError('cannot read properties of undefined'));
    await expect(extractDocument(readFileSync(new URL('openresume_react-pdf.pdf', cvs)))).rejects.toThrow(TypeError);
  });

  it.each([
    ['a Word document of empty paragraphs', minimalDocx({ document: wordDocument('<w:p/><w:p><w:r><w:t>  </w:t></w:r></w:p>') }), 'This Word document contains no text'],
    ['a text file of spaces and digits', Buffer.from(' \n\n 2024 – 2025 \n'), 'This text file contains no text'],
  ])('fails %s with no_text_layer', async (_what, bytes, message) => {
    const outcome = await extractDocument(bytes);
    expect(outcome).toMatchObject({ ok: false, code: 'no_text_layer' });
    expect(!outcome.ok && outcome.message).toContain(message);
  });

  it.each<[string, () => Buffer, ExtractionErrorCode, string]>([
    ['zeroByteFile', zeroByteFile, 'unsupported_type', 'this is an empty file'],
    ['pngRenamedAsPdf', pngRenamedAsPdf, 'unsupported_type', 'this is a PNG image'],
    ['htmlPage', htmlPage, 'unsupported_type', 'this is an HTML page'],
    ['legacyDoc', legacyDoc, 'unsupported_type', 'this is a legacy Word document (.doc)'],
    ['utf16Text', utf16Text, 'unsupported_type', 'UTF-16'],
    ['binaryNoise', binaryNoise, 'unsupported_type', 'this is binary data'],
    ['zipBombDocx', zipBombDocx, 'file_too_large', 'more than the 50 MiB allowed'],
    ['lyingZipBombDocx', lyingZipBombDocx, 'file_too_large', 'ZIP bomb'],
    ['xxeDocx', xxeDocx, 'file_corrupt', 'DTD'],
    ['billionLaughsDocx', billionLaughsDocx, 'file_corrupt', 'DTD'],
    ['truncatedDocx', truncatedDocx, 'file_corrupt', 'damaged'],
  ])('fails %s with %s', async (_name, make, code, message) => {
    const outcome = await extractDocument(make());
    expect(outcome).toMatchObject({ ok: false, code });
    expect(!outcome.ok && outcome.message).toContain(message);
    expect(JSON.stringify(outcome)).not.toContain('root:');
  });
});
