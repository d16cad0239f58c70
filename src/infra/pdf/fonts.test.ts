import { afterAll, describe, expect, it } from 'vitest';
import { bundledFonts, describeCharacters, FontCoverage, printedText } from './fonts.js';
import { RenderError } from './pdf-renderer.js';
import { TypstRenderPool } from './typst-pool.js';
import { pdfText } from '../../../test/support/pdf-text.js';
import { scriptSamples as scripts } from '../../../test/support/script-samples.js';

function cvIn(lead: (typeof scripts)[keyof typeof scripts]): unknown {
  return {
    basics: { name: lead.name, summary: lead.line },
    work: Object.values(scripts).map((script) => ({ name: script.employer, position: script.name, highlights: [script.line] })),
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
    const everything = Object.values(scripts).flatMap((script) => [script.name, script.employer, script.line]).join(' ');
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
    const words = wordsOf(lead.line, ...Object.values(scripts).flatMap((script) => [script.name, script.employer, script.line]));
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
