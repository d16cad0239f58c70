import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  billionLaughsDocx,
  crc32,
  lyingZipBombDocx,
  minimalDocx,
  truncatedDocx,
  wordDocument,
  xxeDocx,
  zipArchive,
  zipBombDocx,
} from '../../../../test/support/hostile-files.js';
import { defaultExtractionLimits, ExtractionError } from '../extraction.js';
import { readDocx } from './read-docx.js';

/** Reads a hostile DOCX and reports how it failed, how long it took and how much the process grew. */
async function readHostile(docx: Buffer): Promise<{ error: ExtractionError; ms: number; rssGrowth: number }> {
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  try {
    await readDocx(docx, defaultExtractionLimits);
  } catch (error) {
    if (!(error instanceof ExtractionError)) throw error;
    return { error, ms: performance.now() - started, rssGrowth: process.memoryUsage().rss - rssBefore };
  }
  throw new Error('the hostile file was read');
}

const MEBIBYTE = 1024 * 1024;

describe('the DOCX guard', () => {
  it('refuses a ZIP bomb from its declared size before inflating anything', async () => {
    const bomb = zipBombDocx(200);
    expect(bomb.length).toBeLessThan(400 * 1024);
    const { error, ms, rssGrowth } = await readHostile(bomb);
    expect(error.code).toBe('file_too_large');
    expect(error.message).toContain('decompresses to 200 MiB, more than the 50 MiB allowed');
    expect(ms).toBeLessThan(500);
    expect(rssGrowth).toBeLessThan(100 * MEBIBYTE);
  });

  it('refuses a ZIP bomb whose headers lie about its size once it inflates past them', async () => {
    const { error, ms, rssGrowth } = await readHostile(lyingZipBombDocx(200));
    expect(error.code).toBe('file_too_large');
    expect(error.message).toMatch(/word\/document\.xml decompresses to more than the 5000 bytes it declares/);
    expect(ms).toBeLessThan(500);
    expect(rssGrowth).toBeLessThan(100 * MEBIBYTE);
  });

  it('refuses a part compressed far beyond what Office XML compresses, even within the total', async () => {
    const { error } = await readHostile(zipBombDocx(10));
    expect(error.code).toBe('file_too_large');
    expect(error.message).toMatch(/word\/document\.xml is compressed \d+ to 1/);
  });

  it('holds the total to the limits it is given', async () => {
    const docx = minimalDocx({ document: wordDocument(`<w:p><w:r><w:t>${'Experienced engineer. '.repeat(2000)}</w:t></w:r></w:p>`) });
    await expect(readDocx(docx, { ...defaultExtractionLimits, maxDecompressedBytes: 20_000 })).rejects.toMatchObject({ code: 'file_too_large' });
    await expect(readDocx(docx, defaultExtractionLimits)).resolves.toMatchObject({ ok: true });
  });

  it('refuses an external entity without reading the file it names', async () => {
    const { error } = await readHostile(xxeDocx());
    expect(error.code).toBe('file_corrupt');
    expect(error.message).toContain('DTD');
    expect(error.message).not.toContain('root:');
  });

  it('refuses entity expansion (billion laughs) quickly', async () => {
    const { error, ms } = await readHostile(billionLaughsDocx());
    expect(error.code).toBe('file_corrupt');
    expect(ms).toBeLessThan(500);
  });

  it('refuses a DTD hidden in a part the document does not name, whatever its casing', async () => {
    const docx = minimalDocx({
      document: wordDocument('<w:p><w:r><w:t>Jane Roe</w:t></w:r></w:p>'),
      extra: [{ name: 'word/media/image1.png', data: '<?xml version="1.0"?><!doctype x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' }],
    });
    expect((await readHostile(docx)).error.code).toBe('file_corrupt');
  });

  it('calls a truncated upload damaged', async () => {
    const { error } = await readHostile(truncatedDocx());
    expect(error.code).toBe('file_corrupt');
  });

  it('refuses two parts under one name, which two ZIP readers could resolve differently', async () => {
    const document = wordDocument('<w:p><w:r><w:t>Jane Roe</w:t></w:r></w:p>');
    const docx = minimalDocx({ document, extra: [{ name: 'word/document.xml', data: document }] });
    const { error } = await readHostile(docx);
    expect(error.code).toBe('file_corrupt');
    expect(error.message).toContain('two parts named word/document.xml');
  });

  it('refuses a ZIP without word/document.xml and a part whose stream is damaged', async () => {
    const noDocument = zipArchive([{ name: '[Content_Types].xml', data: '<Types/>' }]);
    expect((await readHostile(noDocument)).error.code).toBe('file_corrupt');
    const content = Buffer.from(wordDocument('<w:p><w:r><w:t>Jane Roe</w:t></w:r></w:p>'));
    const damaged = Buffer.from(deflateRawSync(content));
    damaged.fill(0xff, 4, 24);
    const broken = zipArchive([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'word/document.xml', deflated: damaged, crc: crc32(content), uncompressedSize: content.length },
    ]);
    expect((await readHostile(broken)).error.code).toBe('file_corrupt');
  });
});
