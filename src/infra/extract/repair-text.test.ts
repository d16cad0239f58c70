import { describe, expect, it } from 'vitest';
import { repairExtractedText } from './repair-text.js';

describe('repairExtractedText', () => {
  it('expands Latin ligatures', () => {
    expect(repairExtractedText('e\uFB03cient o\uFB00ice \uFB01xed \uFB02ow')).toBe('efficient office fixed flow');
  });

  it('turns Arabic and Persian presentation forms into their logical letters', () => {
    // "كتاب" typed in isolated/initial/medial/final presentation forms, as some producers map their glyphs.
    expect(repairExtractedText('\uFEDB\uFE98\uFE8E\uFE8F')).toBe('كتاب');
    // The lam-alef ligature is two letters.
    expect(repairExtractedText('\uFEFB')).toBe('لا');
  });

  it('keeps superscripts and CJK full-width punctuation as written, but folds full-width Latin letters and digits', () => {
    expect(repairExtractedText('50 m² office, CO₂')).toBe('50 m² office, CO₂');
    expect(repairExtractedText('负责，设计（后端）：２０２０年 ＡＷＳ')).toBe('负责，设计（后端）：2020年 AWS');
  });

  it('removes soft hyphens, zero-width spaces and bidi controls', () => {
    expect(repairExtractedText('pro\u00ADgram\u200Bme')).toBe('programme');
    expect(repairExtractedText('\u202Bمهندس نرم\u200Cافزار\u202C \u200Eemail\u200F')).toBe('مهندس نرم\u200Cافزار email');
  });

  it('keeps a zero-width non-joiner inside a Persian word and drops it elsewhere', () => {
    expect(repairExtractedText('می\u200Cخواهم')).toBe('می\u200Cخواهم');
    expect(repairExtractedText('\u200Cword \u200C next')).toBe('word next');
  });

  it('joins a word hyphenated at a line end by the typesetter', () => {
    expect(repairExtractedText('software develop-\nment and')).toBe('software development and');
    expect(repairExtractedText('a soft\u00AD\nware house')).toBe('a software house');
  });

  it('keeps the hyphen of a compound broken at a line end', () => {
    // Spelled with its hyphen elsewhere in the document.
    expect(repairExtractedText('high-\nimpact work; more high-impact work')).toBe('high-impact work; more high-impact work');
    // One letter before the hyphen, a capital or a digit after it.
    expect(repairExtractedText('write an e-\nmail')).toBe('write an e-mail');
    expect(repairExtractedText('Python-\nBased tools')).toBe('Python-Based tools');
    expect(repairExtractedText('COVID-\n19 response')).toBe('COVID-19 response');
    // Already a compound.
    expect(repairExtractedText('state-of-\nthe-art')).toBe('state-of-the-art');
  });

  it('prefers the joined spelling the document itself uses', () => {
    expect(repairExtractedText('Micro-\nservices. We build microservices.')).toBe('Microservices. We build microservices.');
  });

  it('joins across a cell pushed to the right margin', () => {
    expect(repairExtractedText('paper accepted (top 5% of submis-\t4 months\nsions) at NeurIPS')).toBe(
      'paper accepted (top 5% of submissions)\t4 months\nat NeurIPS',
    );
  });

  it('collapses letter-spaced headings, keeping wider gaps as word breaks', () => {
    expect(repairExtractedText('E X P E R I E N C E')).toBe('EXPERIENCE');
    expect(repairExtractedText('W O R K  E X P E R I E N C E\nSenior engineer')).toBe('WORK EXPERIENCE\nSenior engineer');
  });

  it('leaves ordinary short capitals alone', () => {
    expect(repairExtractedText('A B testing at AWS, U S A')).toBe('A B testing at AWS, U S A');
  });

  it('replaces private-use icon glyphs with a space and drops stray control characters', () => {
    expect(repairExtractedText('\uF0E0 john@x.io \uF095(555) 123\u001A')).toBe('john@x.io (555) 123');
    // An unmapped glyph inside an Arabic word (the dots of a medial yeh) must not split it.
    expect(repairExtractedText('رضای\u0002ی')).toBe('رضایی');
  });

  it('normalises whitespace: no trailing spaces, one kind of space, at most one blank line', () => {
    expect(repairExtractedText('  Name \u00A0 Doe  \r\n\r\n\r\n\fSkills\t\t Go  \n')).toBe('Name Doe\n\nSkills\tGo');
  });
});
