import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { minimalDocx, wordDocument, wordHeaderPart } from '../../../../test/support/hostile-files.js';
import { defaultExtractionLimits, ExtractionError, type ExtractionErrorCode } from '../extraction.js';
import { readDocx } from './read-docx.js';

const fixtures = new URL('../../../../test/fixtures/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(name, fixtures));

const paragraph = (text: string): string => `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The share of the reference's words (with repeats) found in the text. */
function wordRecall(reference: string, text: string): { recall: number; missing: string[] } {
  const available = new Map<string, number>();
  for (const word of words(text)) available.set(word, (available.get(word) ?? 0) + 1);
  const missing: string[] = [];
  const expected = words(reference);
  for (const word of expected) {
    const left = available.get(word) ?? 0;
    if (left > 0) available.set(word, left - 1);
    else missing.push(word);
  }
  return { recall: (expected.length - missing.length) / expected.length, missing };
}

/**
 * The text of `word/document.xml` read another way than the code under test: the local header found by
 * hand, inflated with zlib, runs joined per paragraph.
 */
function documentXmlText(docx: Buffer): string {
  const name = Buffer.from('word/document.xml');
  const localHeader = Buffer.from('PK\x03\x04', 'latin1');
  for (let offset = docx.indexOf(localHeader); offset >= 0; offset = docx.indexOf(localHeader, offset + 1)) {
    const nameLength = docx.readUInt16LE(offset + 26);
    if (!docx.subarray(offset + 30, offset + 30 + nameLength).equals(name)) continue;
    const start = offset + 30 + nameLength + docx.readUInt16LE(offset + 28);
    const xml = inflateRawSync(docx.subarray(start, start + docx.readUInt32LE(offset + 18))).toString('utf8');
    return xml
      .replaceAll('<w:br/>', '<w:t> </w:t>')
      .split('</w:p>')
      .map((part) => [...part.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((match) => match[1]).join(''))
      .join('\n')
      .replaceAll('&amp;', '&');
  }
  throw new Error('no word/document.xml in the fixture');
}

async function failureCode(promise: Promise<unknown>): Promise<ExtractionErrorCode | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof ExtractionError) return error.code;
    throw error;
  }
}

describe('readDocx on a real Word CV', () => {
  const docx = fixture('cvs/john-doe_word-mac.docx');

  it('keeps the name, the headings and the bullets, one per line', async () => {
    const { text, source } = await readDocx(docx, defaultExtractionLimits);
    const lines = text.split('\n');
    expect(lines[0]).toBe('John Doe');
    for (const heading of ['PROFESSIONAL SUMMARY', 'SKILLS', 'WORK EXPERIENCE', 'EDUCATION']) expect(lines).toContain(heading);
    expect(lines).toContain('• Mentored junior developers and conducted code reviews to ensure code quality and best practices');
    expect(lines.filter((line) => line.startsWith('• '))).toHaveLength(9);
    expect(source).toEqual({ type: 'docx', pages: 1 });
  });

  it('holds every word of word/document.xml and none that the same CV in plain text lacks', async () => {
    const { text } = await readDocx(docx, defaultExtractionLimits);
    const fromXml = wordRecall(documentXmlText(docx), text);
    expect(fromXml.missing).toEqual([]);
    // The plain-text version of this CV has two sections more; every word we read is in it.
    expect(wordRecall(text, fixture('cvs/john-doe_plain.txt').toString('utf8')).missing).toEqual([]);
  });
});

describe('readDocx on real job adverts', () => {
  it.each(['backend-developer-python-django_india', 'data-scientist-ml-engineer_gurgaon_inr-salary'])(
    '%s: all the words of its LibreOffice text, and no others',
    async (name) => {
      const { text, source } = await readDocx(fixture(`jobs/docx/${name}.docx`), defaultExtractionLimits);
      const reference = fixture(`jobs/${name}.txt`).toString('utf8');
      expect(wordRecall(reference, text)).toEqual({ recall: 1, missing: [] });
      expect(wordRecall(text, reference).recall).toBe(1);
      expect(source.pages).toBe(2);
    },
  );

  it('keeps the rupee amounts and bullets of the data-science advert', async () => {
    const { text } = await readDocx(fixture('jobs/docx/data-scientist-ml-engineer_gurgaon_inr-salary.docx'), defaultExtractionLimits);
    expect(text).toContain('₹20,00,000 - ₹25,00,000 a year');
    expect(text.split('\n')).toContain('• Great communication skills');
  });
});

describe('readDocx on parts mammoth does not read', () => {
  it('puts the page header first and the footer last, each line once across sections', async () => {
    const header = wordHeaderPart('hdr', paragraph('Jane Roe') + paragraph('jane.roe@example.org &amp; +49 30 1234'));
    const firstPageHeader = wordHeaderPart('hdr', paragraph('Jane Roe'));
    const footer = wordHeaderPart('ftr', paragraph('References on request'));
    const docx = minimalDocx({
      document: wordDocument(paragraph('Experience') + paragraph('Engineer at Example GmbH')),
      headers: [header, firstPageHeader],
      footers: [footer, footer],
    });
    const { text } = await readDocx(docx, defaultExtractionLimits);
    expect(text).toBe('Jane Roe\njane.roe@example.org & +49 30 1234\nExperience\nEngineer at Example GmbH\nReferences on request');
  });

  it('reads a text box once whether Word wrote a VML fallback for it or not', async () => {
    const box = (text: string): string =>
      '<w:drawing><wp:anchor><wp:extent cx="10" cy="10"/><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">' +
      `<wps:wsp><wps:txbx><w:txbxContent>${paragraph(text)}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>`;
    const fallback = (text: string): string => `<mc:Fallback><w:pict><v:rect><v:textbox><w:txbxContent>${paragraph(text)}</w:txbxContent></v:textbox></v:rect></w:pict></mc:Fallback>`;
    const body =
      `<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps">${box('Box with fallback')}</mc:Choice>${fallback('Box with fallback')}</mc:AlternateContent></w:r></w:p>` +
      `<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps">${box('Box without fallback')}</mc:Choice></mc:AlternateContent></w:r></w:p>` +
      `<w:p><w:r>${box('Box in a bare drawing')}</w:r></w:p>` +
      paragraph('Body text');
    const { text } = await readDocx(minimalDocx({ document: wordDocument(body) }), defaultExtractionLimits);
    for (const expected of ['Box with fallback', 'Box without fallback', 'Box in a bare drawing', 'Body text']) {
      expect(text.split(expected)).toHaveLength(2);
    }
  });

  it('renders lists, nested lists and table rows as lines', async () => {
    const numbering =
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
      '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>' +
      '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>';
    const item = (level: number, text: string): string =>
      `<w:p><w:pPr><w:numPr><w:ilvl w:val="${level}"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>${text}</w:t></w:r></w:p>`;
    const cell = (text: string): string => `<w:tc>${paragraph(text)}</w:tc>`;
    const body = item(0, 'Python') + item(1, 'Django') + item(0, 'Go') + `<w:tbl><w:tr>${cell('2019 – 2023')}${cell('Engineer, Example GmbH')}</w:tr></w:tbl>`;
    const { text } = await readDocx(minimalDocx({ document: wordDocument(body), numbering }), defaultExtractionLimits);
    expect(text).toBe('• Python\n  • Django\n• Go\n2019 – 2023\tEngineer, Example GmbH');
  });

  it('takes the page count from docProps/app.xml and refuses more pages than allowed', async () => {
    const docx = (pages: number): Buffer => minimalDocx({ document: wordDocument(paragraph('Jane Roe')), pages });
    expect((await readDocx(docx(3), defaultExtractionLimits)).source.pages).toBe(3);
    expect(await failureCode(readDocx(docx(51), defaultExtractionLimits))).toBe('too_many_pages');
  });
});
