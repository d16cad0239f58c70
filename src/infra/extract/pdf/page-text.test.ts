import { describe, expect, it } from 'vitest';
import { layOutPageText } from './page-text.js';
import type { PlacedText } from './placed-text.js';

/** A run of text at (x, baseline y) whose glyphs are half an em wide on average. */
function run(text: string, x: number, y: number, options: { size?: number; rtl?: boolean } = {}): PlacedText {
  const size = options.size ?? 10;
  return { text, x, y, width: text.length * size * 0.5, size, rtl: options.rtl ?? false, spaceBefore: false };
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

describe('layOutPageText', () => {
  it('reads three independent columns one after the other, below a full-width header', () => {
    const runs = [run('Jane Example, Data Engineer, Berlin, jane@example.com, +49 30 1234567, github.com/jane', 40, 60, { size: 14 })];
    for (const [column, x, offset] of [[1, 40, 0], [2, 230, 5], [3, 420, 9]] as const) {
      for (let line = 0; line < 14; line++) runs.push(run(`column ${column} line ${line}`, x, 120 + offset + line * (13 + column)));
    }
    const read = lines(layOutPageText(runs));
    expect(read[0]).toContain('Jane Example');
    const expected = [1, 2, 3].flatMap((column) => Array.from({ length: 14 }, (_, line) => `column ${column} line ${line}`));
    expect(read.slice(1)).toEqual(expected);
  });

  it('keeps right-aligned dates on the line of their title in a single column', () => {
    const runs: PlacedText[] = [];
    let y = 100;
    for (let entry = 0; entry < 6; entry++) {
      const date = `Jan 201${entry} – Dec 201${entry + 1}`;
      runs.push(run(`Engineer at Company ${entry}`, 40, y), run(date, 555 - date.length * 5, y));
      runs.push(run(`• Built the thing number ${entry} with a small team`, 50, y + 14));
      y += 40;
    }
    const read = lines(layOutPageText(runs));
    expect(read).toHaveLength(12);
    expect(read[0]).toBe('Engineer at Company 0\tJan 2010 – Dec 2011');
    expect(read[10]).toBe('Engineer at Company 5\tJan 2015 – Dec 2016');
  });

  it('keeps dates in a narrow left margin column on the line of their entry', () => {
    const runs: PlacedText[] = [];
    let y = 100;
    for (let entry = 0; entry < 6; entry++) {
      runs.push(run(`201${entry}–201${entry + 1}`, 40, y), run(`Analyst, Firm ${entry}, Paris`, 120, y));
      runs.push(run(`Description of what was done at firm ${entry}`, 120, y + 13), run('and what came of it.', 120, y + 26));
      y += 50;
    }
    const read = lines(layOutPageText(runs));
    expect(read[0]).toBe('2010–2011\tAnalyst, Firm 0, Paris');
    expect(read[3]).toBe('2011–2012\tAnalyst, Firm 1, Paris');
  });

  it('reads the right column first on a right-to-left page', () => {
    const runs: PlacedText[] = [];
    for (let line = 0; line < 10; line++) {
      runs.push(run(`ستون راست ${line}`, 330, 100 + line * 14, { rtl: true }));
      runs.push(run(`ستون چپ ${line}`, 60, 104 + line * 17, { rtl: true }));
    }
    const read = lines(layOutPageText(runs));
    expect(read.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, line) => `ستون راست ${line}`));
    expect(read.slice(10)).toEqual(Array.from({ length: 10 }, (_, line) => `ستون چپ ${line}`));
  });

  it('keeps a left-to-right stretch in its order inside a right-to-left line, and the reverse', () => {
    const persian = layOutPageText([
      run('ایمیل:', 460, 100, { rtl: true }),
      run('ali@example.com', 380, 100),
      run('+98 21 1234', 320, 100),
      run('مهندس نرم\u200Cافزار ارشد در شرکت فناوری تهران', 280, 114, { rtl: true }),
    ]);
    // Visually, from the right: "ایمیل:", then one left-to-right stretch that reads "+98 21 1234 ali@example.com".
    expect(persian.split('\n')[0]).toBe('ایمیل: +98 21 1234 ali@example.com');
    const english = layOutPageText([run('Referee:', 40, 100), run('כהן', 84, 100, { rtl: true }), run('דוד', 103, 100, { rtl: true }), run('(Haifa)', 122, 100)]);
    expect(english).toBe('Referee: דוד כהן (Haifa)');
  });

  it('joins glyphs drawn one by one without spaces, and puts spaces at word gaps', () => {
    const word = [...'Résumé'].map((char, index) => run(char, 40 + index * 5, 100));
    const next = run('builder', 40 + 6 * 5 + 3, 100);
    expect(layOutPageText([...word, next])).toBe('Résumé builder');
  });

  it('starts a new block after a wide vertical gap', () => {
    const text = layOutPageText([run('Skills', 40, 100), run('Go, Rust', 40, 113), run('Languages', 40, 160), run('French', 40, 173)]);
    expect(text).toBe('Skills\nGo, Rust\n\nLanguages\nFrench');
  });
});
