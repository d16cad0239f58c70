import type { PlacedText } from './placed-text.js';

/** Horizontally close runs on one baseline: a piece of a line that stays within one column. */
export interface Segment {
  runs: PlacedText[];
  x0: number;
  x1: number;
  y: number;
  size: number;
}

/** A line of text as read, with its extent. */
export interface TextLine {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
}

/** Runs whose baselines differ by less than this share of the font size are on one line. */
const baselineTolerance = 0.35;
/** A horizontal gap wider than this many font sizes ends a segment (a gutter or a tab stop). */
const segmentGap = 1.5;
/** A gap wider than this share of the font size is a word space; a narrower one is kerning. */
const wordGap = 0.15;
/** A gap wider than this share of the font size is wider than any word space, even in justified text. */
const wideGap = 0.7;
/** A copy of a run shifted by less than this share of the font size is the same text drawn again. */
const overstrikeShift = 0.25;

/** Groups runs into rows by baseline, each row ordered left to right. */
function groupRows(runs: PlacedText[]): PlacedText[][] {
  const sorted = [...runs].sort((p, q) => p.y - q.y || p.x - q.x);
  const rows: { y: number; size: number; runs: PlacedText[] }[] = [];
  for (const run of sorted) {
    const row = rows.at(-1);
    if (row && Math.abs(run.y - row.y) <= baselineTolerance * Math.min(row.size, run.size)) {
      row.runs.push(run);
      row.size = Math.max(row.size, run.size);
    } else {
      rows.push({ y: run.y, size: run.size, runs: [run] });
    }
  }
  return rows.map((row) => row.runs.sort((p, q) => p.x - q.x));
}

function segmentOf(runs: PlacedText[]): Segment {
  const x0 = Math.min(...runs.map((r) => r.x));
  const x1 = Math.max(...runs.map((r) => r.x + r.width));
  // The baseline of the largest run stands for the segment (an icon or a superscript sits off it).
  const main = runs.reduce((p, q) => (q.size * q.text.length > p.size * p.text.length ? q : p));
  return { runs, x0, x1, y: main.y, size: main.size };
}

/** Splits the page's runs into segments: same baseline, no gap wider than a gutter between them. */
export function buildSegments(runs: PlacedText[]): Segment[] {
  const segments: Segment[] = [];
  for (const row of groupRows(runs)) {
    let current: PlacedText[] = [];
    let end = -Infinity;
    for (const run of row) {
      const size = Math.max(run.size, current.at(-1)?.size ?? 0);
      if (current.length > 0 && run.x - end > segmentGap * size) {
        segments.push(segmentOf(current));
        current = [];
      }
      current.push(run);
      end = Math.max(end, run.x + run.width);
    }
    if (current.length > 0) segments.push(segmentOf(current));
  }
  return segments;
}

/** Fake bold draws the same text several times a fraction of a point apart; how many runs back to look for a copy. */
const overstrikeLookBack = 4;

function isOverstrike(drawn: PlacedText, run: PlacedText): boolean {
  const near = overstrikeShift * Math.min(drawn.size, run.size);
  return drawn.text === run.text && Math.abs(drawn.x - run.x) < near && Math.abs(drawn.y - run.y) < near;
}

/**
 * Puts a line's runs in reading order. pdf.js gives each run's text in logical order already; what is left is
 * the order of the runs (the Unicode bidi rule at run level): the line's base direction decides, and a
 * stretch of consecutive runs in the other direction (an e-mail in a Persian line, a Hebrew name in an
 * English one) keeps its own order inside it.
 */
function orderRuns(runs: PlacedText[], rtl: boolean): PlacedText[] {
  const visual = [...runs].sort((p, q) => p.x - q.x);
  const stretches: PlacedText[][] = [];
  for (const run of visual) {
    const stretch = stretches.at(-1);
    if (stretch?.[0]?.rtl === run.rtl) stretch.push(run);
    else stretches.push([run]);
  }
  const inOrder = stretches.map((stretch) => (stretch[0]?.rtl ? stretch.reverse() : stretch));
  return (rtl ? inOrder.reverse() : inOrder).flat();
}

/** Horizontal distance between two runs, whichever side each is on. */
function horizontalGap(p: PlacedText, q: PlacedText): number {
  return Math.max(q.x - (p.x + p.width), p.x - (q.x + q.width));
}

/** Joins runs of one line in reading order, with a space wherever the gap is wider than kerning. */
function joinRuns(runs: PlacedText[], rtl: boolean): string {
  let text = '';
  let previous: PlacedText | undefined;
  const recent: PlacedText[] = [];
  for (const run of orderRuns(runs, rtl)) {
    if (recent.some((r) => isOverstrike(r, run))) continue;
    recent.push(run);
    if (recent.length > overstrikeLookBack) recent.shift();
    if (previous) {
      const gap = horizontalGap(previous, run);
      const spaced = /\s$/u.test(text) || /^\s/u.test(run.text);
      const drawnSpace = run.spaceBefore && gap > 0;
      // A gap as wide as a gutter (a date pushed to the right margin) is kept as a tab, a plain-text column stop.
      if (gap > segmentGap * Math.max(previous.size, run.size)) text = `${text.trimEnd()}\t`;
      // Two spaces for a gap wider than any word space, so that letter-spaced headings keep their word breaks.
      else if (!spaced && gap > wideGap * Math.min(previous.size, run.size)) text += '  ';
      else if (!spaced && (drawnSpace || gap > wordGap * Math.min(previous.size, run.size))) text += ' ';
    }
    text += run.text;
    previous = run;
  }
  return text;
}

/** Merges segments that share a baseline into lines, top to bottom. */
export function buildLines(segments: Segment[], rtl: boolean): TextLine[] {
  const rows: Segment[][] = [];
  const sorted = [...segments].sort((p, q) => p.y - q.y);
  for (const segment of sorted) {
    const row = rows.at(-1);
    const first = row?.[0];
    if (row && first && Math.abs(segment.y - first.y) <= baselineTolerance * Math.min(first.size, segment.size)) row.push(segment);
    else rows.push([segment]);
  }
  return rows.map((row) => {
    const runs = row.flatMap((s) => s.runs);
    return {
      text: joinRuns(runs, rtl),
      x0: Math.min(...row.map((s) => s.x0)),
      x1: Math.max(...row.map((s) => s.x1)),
      y: row[0]?.y ?? 0,
      size: Math.max(...row.map((s) => s.size)),
    };
  });
}

/** A vertical gap between baselines wider than this many font sizes starts a new block. */
const blockGap = 1.9;

/** Renders lines as text, with a blank line where the vertical gap says a new block starts. */
export function linesToText(lines: TextLine[]): string {
  let text = '';
  let previous: TextLine | undefined;
  for (const line of lines) {
    if (previous) {
      const gap = line.y - previous.y;
      text += gap > blockGap * previous.size || gap < 0 ? '\n\n' : '\n';
    }
    text += line.text;
    previous = line;
  }
  return text;
}
