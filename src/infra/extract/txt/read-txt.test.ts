import { describe, expect, it } from 'vitest';
import { ExtractionError } from '../extraction.js';
import { readTxt } from './read-txt.js';

describe('readTxt', () => {
  it('drops the byte-order mark and turns CRLF and CR line ends into LF', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Jane Roe\r\nEngineer\rBerlin\n\nSkills\r\n', 'utf8')]);
    const result = readTxt(bytes);
    expect(result.text).toBe('Jane Roe\nEngineer\nBerlin\n\nSkills\n');
    expect(result.source).toEqual({ type: 'txt', pages: 1 });
  });

  it('keeps non-Latin scripts and a BOM-like character inside the text', () => {
    const text = 'Алексей Иванов\n王小龙\nعلی رضایی\nZ\uFEFFwischen';
    expect(readTxt(Buffer.from(text, 'utf8')).text).toBe(text);
  });

  it('refuses bytes that are not UTF-8 instead of inventing replacement characters', () => {
    const latin1 = Buffer.from('Curriculum vitæ – Müller', 'latin1');
    expect(() => readTxt(latin1)).toThrow(ExtractionError);
    try {
      readTxt(latin1);
    } catch (error) {
      expect((error as ExtractionError).code).toBe('unsupported_type');
    }
  });
});
