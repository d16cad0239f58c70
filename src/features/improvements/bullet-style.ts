// One look for every bullet of a CV: no bullet marks or stray spaces left in the text, a capital
// letter first, and a final period on all bullets or on none.

/** A bullet's text cleaned of marks and spaces, and what was cleaned. */
export interface CleanBullet {
  text: string;
  removedMark: boolean;
  collapsedSpaces: boolean;
}

// Marks a word processor or a PDF leaves at the start of a bullet. A dash, star or plus is a mark
// only when a space follows ("- Led…"), not in "-20 % costs" or "*nix".
const LEADING_MARKS = /^(?:[•▪●◦‣○■□►▸▹✓✔➢➤→·]\s*|[-–—*+]\s+)+/u;

/** The bullet without leading marks, surrounding spaces or runs of spaces inside. */
export function cleanBullet(text: string): CleanBullet {
  const started = text.replace(/^\s+/, '');
  const unmarked = started.replace(LEADING_MARKS, '');
  const removedMark = unmarked !== started;
  const collapsed = unmarked.replace(/\s+/g, ' ').trim();
  return { text: collapsed, removedMark, collapsedSpaces: collapsed !== unmarked || (!removedMark && started !== text) };
}

/** Whether the bullets end with a period or not. */
export type PeriodStyle = 'period' | 'none';

/** The style most bullets already follow; a tie is no period. */
export function prevailingPeriodStyle(bullets: Iterable<string>): PeriodStyle {
  let period = 0;
  let none = 0;
  for (const bullet of bullets) {
    if (bullet === '') continue;
    if (endsWithPeriod(bullet)) period += 1;
    else none += 1;
  }
  return period > none ? 'period' : 'none';
}

function endsWithPeriod(text: string): boolean {
  return /[^.]\.$/.test(text) || text === '.';
}

const ABBREVIATIONS = new Set(['etc', 'inc', 'ltd', 'co', 'corp', 'llc', 'plc', 'vs', 'jr', 'sr', 'st', 'dept', 'approx', 'no', 'e.g', 'i.e']);

// "… Acme Inc." and "… in the U.S." keep their period: it belongs to the word.
function periodBelongsToWord(text: string): boolean {
  const last = /(\S+)\.$/.exec(text)?.[1] ?? '';
  return last.includes('.') || ABBREVIATIONS.has(last.toLowerCase().replace(/^\W+/, ''));
}

/** The bullet ending as the style says; list punctuation left at the end (";", ",") goes either way. */
export function withPeriodStyle(text: string, style: PeriodStyle): string {
  const bare = text.replace(/\s*[;,]+$/, '');
  if (style === 'none') {
    if (endsWithPeriod(bare) && !periodBelongsToWord(bare)) return bare.slice(0, -1).trimEnd();
    return bare;
  }
  // A bullet ending in "!", "?", ":" or "…" is left as written; a word, number or bracket gets a period.
  return /[\p{L}\p{N})\]"'’”%]$/u.test(bare) ? `${bare}.` : bare;
}

/** The bullet with a capital first letter, unless its first word is written in its own case (iOS, eBay, npm@9, www…). */
export function withCapital(text: string): string {
  const first = /^\S+/.exec(text)?.[0] ?? '';
  if (!/^[a-z][a-z'’-]*[,;:]?$/.test(first)) return text;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
