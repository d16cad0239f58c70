import { afterAll, describe, expect, it } from 'vitest';
import { bundledFonts, describeCharacters, FontCoverage, printedText } from './fonts.js';
import { RenderError } from './pdf-renderer.js';
import { TypstRenderPool } from './typst-pool.js';
import { pdfText } from '../../../test/support/pdf-text.js';

// One person, one employer and one highlight per script; every word must come back from the PDF.
const scripts = {
  chinese: { name: '王小明', employer: '北京软件有限公司', highlight: '负责 后端 服务 开发' },
  japanese: { name: '山田 太郎', employer: '株式会社 ソフトウェア', highlight: 'データベース を 設計 しました' },
  korean: { name: '김민준', employer: '서울 소프트웨어', highlight: '서버 개발 담당' },
  arabic: { name: 'محمد الأحمد', employer: 'شركة البرمجيات', highlight: 'تطوير خدمات الويب للأعمال' },
  persian: { name: 'پژوهشگر گودرزی', employer: 'شرکت نرم‌افزار', highlight: 'طراحی پایگاه داده' },
  hebrew: { name: 'דוד כהן', employer: 'חברת תוכנה', highlight: 'פיתוח שירותי רשת' },
  russian: { name: 'Иван Петров', employer: 'Яндекс', highlight: 'Разработка серверной части' },
  greek: { name: 'Γιώργος Παπαδόπουλος', employer: 'Εταιρεία Λογισμικού', highlight: 'Ανάπτυξη υπηρεσιών' },
  vietnamese: { name: 'Nguyễn Hữu Đức', employer: 'Công ty Phần mềm', highlight: 'Phát triển phần mềm web, dịch vụ kỹ thuật' },
};

function cvIn(lead: (typeof scripts)[keyof typeof scripts]): unknown {
  return {
    basics: { name: lead.name, summary: lead.highlight },
    work: Object.values(scripts).map((script) => ({ name: script.employer, position: script.name, highlights: [script.highlight] })),
    skills: [{ name: lead.employer, keywords: Object.values(scripts).map((script) => script.name) }],
  };
}

// Zero-width joiners are invisible and the PDF reader drops them, as word recall does.
function withoutJoiners(text: string): string {
  return text.replace(/[\u200c\u200d]/gu, '');
}

function wordsOf(...phrases: string[]): string[] {
  return phrases.flatMap((phrase) => phrase.split(/\s+/)).filter((word) => word.length > 0);
}

describe('the bundled fonts', () => {
  it('cover every script the renderer promises, and nothing outside them', async () => {
    const coverage = await FontCoverage.load(bundledFonts);
    const everything = Object.values(scripts).flatMap((script) => [script.name, script.employer, script.highlight]).join(' ');
    expect(coverage.missingCharacters(everything)).toEqual([]);
    // Joiners and direction marks need no glyph; a hieroglyph, a private-use point and an unassigned one have none.
    expect(coverage.missingCharacters('a\u200c\u200f\u00ad b\t')).toEqual([]);
    expect(coverage.missingCharacters('x\u{13000}y\u{E000}\u{13000}\u{10FFFD}')).toEqual(['\u{13000}', '\u{E000}', '\u{10FFFD}']);
  });

  it('lists the printed strings of a CV and names characters by code point', () => {
    expect(printedText({ basics: { name: 'A' }, list: ['B', 3, null, { deep: 'C' }] }).split('\n')).toEqual(['A', 'B', '3', 'C']);
    expect(describeCharacters(['\u{13000}', 'é'])).toBe('"\u{13000}" (U+13000), "é" (U+00E9)');
  });
});

describe('the classic template in every script', () => {
  const pool = new TypstRenderPool({ size: 2 });
  afterAll(() => pool.close());

  it.each(Object.entries(scripts))('renders a CV led in %s and finds every word of every script', async (_script, lead) => {
    const { pdf } = await pool.render({ template: 'classic', data: cvIn(lead) });
    const text = withoutJoiners(await pdfText(pdf));
    const words = wordsOf(lead.highlight, ...Object.values(scripts).flatMap((script) => [script.name, script.employer, script.highlight]));
    // Right-to-left words are found in their logical order, character by character, as typed.
    expect(words.map(withoutJoiners).filter((word) => !text.includes(word))).toEqual([]);
  });

  it('fails a CV with a character no font covers with missing_glyphs naming it', async () => {
    const cv = { basics: { name: 'Ann \u{13000} Lee' }, work: [{ name: 'Acme \u{E000}', highlights: ['fine'] }] };
    const failure = await pool.render({ template: 'classic', data: cv }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RenderError);
    expect(failure).toMatchObject({ code: 'missing_glyphs', missing: { characters: ['\u{13000}', '\u{E000}'] } });
    expect((failure as RenderError).message).toContain('U+13000');
    expect((failure as RenderError).message).toContain('U+E000');
  });
});
