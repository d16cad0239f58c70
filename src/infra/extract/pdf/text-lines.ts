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
/** Runs closer than this share of the font size touch (positions carry rounding errors). */
const touching = 0.01;
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

/** How far (in font sizes) a mark glyph may sit from the glyph it is drawn with. */
const markReach = 1;

/**
 * A run that advances nothing and repeats the text of a run it sits on or beside: a combining mark drawn as a
 * glyph of its own (offset off the baseline) that the producer mapped to its whole cluster, "ụ" for the dot.
 */
function isMarkCopy(run: PlacedText, byText: Map<string, PlacedText[]>): boolean {
  if (run.width > 0) return false;
  const reach = markReach * run.size;
  return (byText.get(run.text) ?? []).some(
    (base) => base.width > 0 && run.x >= base.x - reach && run.x <= base.x + base.width + reach && Math.abs(run.y - base.y) <= reach,
  );
}

/** The runs less the mark glyphs that only repeat their cluster. */
function withoutMarkCopies(runs: PlacedText[]): PlacedText[] {
  const byText = new Map<string, PlacedText[]>();
  for (const run of runs) byText.set(run.text, [...(byText.get(run.text) ?? []), run]);
  return runs.filter((run) => !isMarkCopy(run, byText));
}

/** Splits the page's runs into segments: same baseline, no gap wider than a gutter between them. */
export function buildSegments(runs: PlacedText[]): Segment[] {
  const segments: Segment[] = [];
  for (const row of groupRows(withoutMarkCopies(runs))) {
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

/** Consecutive runs of one direction, in reading order, with their extent on the line. */
interface Stretch {
  runs: PlacedText[];
  x0: number;
  x1: number;
}

/**
 * Puts a line's runs in reading order. pdf.js gives each run's text in logical order already; what is left is
 * the order of the runs (the Unicode bidi rule at run level): the line's base direction decides, and a
 * stretch of consecutive runs in the other direction (an e-mail in a Persian line, a Hebrew name in an
 * English one) keeps its own order inside it.
 */
function orderStretches(runs: PlacedText[], rtl: boolean): Stretch[] {
  const stretches: Stretch[] = [];
  for (const run of [...runs].sort((p, q) => p.x - q.x)) {
    const stretch = stretches.at(-1);
    if (stretch?.runs[0]?.rtl === run.rtl) {
      stretch.runs.push(run);
      stretch.x1 = Math.max(stretch.x1, run.x + run.width);
    } else {
      stretches.push({ runs: [run], x0: run.x, x1: run.x + run.width });
    }
  }
  for (const stretch of stretches) if (stretch.runs[0]?.rtl) stretch.runs.reverse();
  return rtl ? stretches.reverse() : stretches;
}

/** Horizontal distance between two extents, whichever side each is on. */
function horizontalGap(p: { x0: number; x1: number }, q: { x0: number; x1: number }): number {
  return Math.max(q.x0 - p.x1, p.x0 - q.x1);
}

function extentOf(run: PlacedText): { x0: number; x1: number } {
  return { x0: run.x, x1: run.x + run.width };
}

/** What goes between two runs: a tab at a gutter-wide gap, two spaces at a wide one, a space at a word gap, else nothing. */
function separator(gap: number, previous: PlacedText, run: PlacedText): string {
  if (gap > segmentGap * Math.max(previous.size, run.size)) return '\t';
  if (gap > wideGap * Math.min(previous.size, run.size)) return '  ';
  if ((run.spaceBefore && gap > touching * run.size) || gap > wordGap * Math.min(previous.size, run.size)) return ' ';
  return '';
}

/** Joins runs of one line in reading order, with a space wherever the gap is wider than kerning. */
function joinRuns(runs: PlacedText[], rtl: boolean): string {
  let text = '';
  let previous: PlacedText | undefined;
  let previousStretch: Stretch | undefined;
  const recent: PlacedText[] = [];
  for (const stretch of orderStretches(runs, rtl)) {
    for (const [index, run] of stretch.runs.entries()) {
      if (recent.some((r) => isOverstrike(r, run))) continue;
      recent.push(run);
      if (recent.length > overstrikeLookBack) recent.shift();
      if (previous) {
        // Across a change of direction the neighbours on the page are the two stretches, not the two runs.
        const gap = index === 0 && previousStretch ? horizontalGap(previousStretch, stretch) : horizontalGap(extentOf(previous), extentOf(run));
        const gapText = separator(gap, previous, run);
        // A gap as wide as a gutter (a date pushed to the right margin) is kept as a tab, a plain-text column stop.
        if (gapText === '\t') text = `${text.trimEnd()}\t`;
        else if (!/\s$/u.test(text) && !/^\s/u.test(run.text)) text += gapText;
      }
      text += run.text;
      previous = run;
    }
    previousStretch = stretch;
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
