import { afterAll, describe, expect, it } from 'vitest';
import { TypstRenderPool } from '../../pdf/typst-pool.js';
import { extractDocument } from '../extract-document.js';

// Text that a shaper draws with more or fewer glyphs than it has characters: ligatures in right-to-left
// scripts and letters with combining marks. Each line must come back as typed, in logical order.
const lines = {
  // Lam followed by any alef is one glyph; its characters must not come back reversed.
  lamAlef: 'الأحمد لا للإدارة السلام الآن',
  arabicVowels: 'مُحَمَّد يَكْتُبُ',
  persianLamAlef: 'سلام لاله',
  // The base letters also appear bare, so their glyphs cannot stand for the marked letters as well.
  vietnamese: 'dịch vụ kỹ thuật, chị Hạnh ở Huế, i u a y e o',
  // Marks with no precomposed letter stay separate characters after NFC.
  combining: 'q̣uiet x̌ylo ŋ̊a',
} as const;

function nfc(text: string): string {
  return text.normalize('NFC');
}

describe('reading a rendered PDF with ligatures and combining marks', () => {
  const pool = new TypstRenderPool({ size: 1 });
  afterAll(() => pool.close());

  it.each(Object.entries(lines))('%s: every line comes back as typed', async (_name, line) => {
    // One highlight per line, so each is a line of its own in the PDF; the name sets the CV's direction.
    // On a right-to-left page the bullet is read at the line's end.
    const cv = { basics: { name: line.split(' ')[0] }, work: [{ name: 'Acme', highlights: [line] }] };
    const { pdf } = await pool.render({ template: 'classic', data: cv });
    const outcome = await extractDocument(pdf);
    if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
    const read = nfc(outcome.text).split('\n');
    expect(read.some((text) => text.replace(/^•\s*|\s*•$/gu, '') === nfc(line))).toBe(true);
  });
});
