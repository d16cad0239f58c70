import type { Segment } from './text-lines.js';

/**
 * Column detection. A gutter is an x position that no segment crosses over a tall band of the page, with
 * text on both sides. Text beside a gutter is a column only when its lines are independent of the other
 * side's: a right-aligned date or a moderncv date margin sits on the same baselines as the entry it belongs
 * to, so those stay one line (a row), while real columns and sidebars run their own baselines.
 */

/** A band must cover this share of the text's height to hold columns (a short table is not a column layout). */
const minBandShare = 0.3;
/** Each column needs this many segments inside the band. */
const minSegmentsPerSide = 3;
/** When this share of the smaller side's segments shares a baseline with the other side, it is one table of rows. */
const maxAlignedShare = 0.6;
/** The two sides must share at least this share of the shorter one's height. */
const minOverlap = 0.5;
/** Baselines closer than this share of the font size are the same baseline (for the alignment test). */
const alignTolerance = 0.15;
/** Candidate gutter positions are tried every this many points. */
const step = 2;
/** Nested column layouts deeper than this are read as they are (three columns need two levels). */
const maxDepth = 4;

interface Split {
  above: Segment[];
  left: Segment[];
  right: Segment[];
  below: Segment[];
}

function top(segment: Segment): number {
  return segment.y - segment.size;
}

/** Share of `side`'s segments that have a segment of `other` on the same baseline. */
function alignedShare(side: Segment[], other: Segment[]): number {
  if (side.length === 0) return 0;
  const aligned = side.filter((s) => other.some((o) => Math.abs(o.y - s.y) <= alignTolerance * Math.min(o.size, s.size)));
  return aligned.length / side.length;
}

/** Share of the shorter side's height that the two sides share: columns run beside each other, not one above the other. */
function verticalOverlap(left: Segment[], right: Segment[]): number {
  const extent = (side: Segment[]) => [Math.min(...side.map(top)), Math.max(...side.map((s) => s.y))] as const;
  const [leftTop, leftBottom] = extent(left);
  const [rightTop, rightBottom] = extent(right);
  const shared = Math.min(leftBottom, rightBottom) - Math.max(leftTop, rightTop);
  return shared / Math.min(leftBottom - leftTop, rightBottom - rightTop);
}

function isColumnPair(left: Segment[], right: Segment[]): boolean {
  if (left.length < minSegmentsPerSide || right.length < minSegmentsPerSide) return false;
  if (verticalOverlap(left, right) < minOverlap) return false;
  const [smaller, larger] = left.length <= right.length ? [left, right] : [right, left];
  return alignedShare(smaller, larger) < maxAlignedShare;
}

/** Finds the tallest band split by a gutter into two independent columns, if the segments have one. */
export function findColumnSplit(segments: Segment[]): Split | undefined {
  if (segments.length < 2 * minSegmentsPerSide) return undefined;
  const textTop = Math.min(...segments.map(top));
  const textBottom = Math.max(...segments.map((s) => s.y));
  const minX = Math.min(...segments.map((s) => s.x0));
  const maxX = Math.max(...segments.map((s) => s.x1));
  const minBand = minBandShare * (textBottom - textTop);
  const candidates: { x: number; from: number; to: number }[] = [];
  for (let x = minX + step; x < maxX; x += step) {
    const crossers = segments.filter((s) => s.x0 < x && s.x1 > x).map((s) => s.y).sort((p, q) => p - q);
    const edges = [textTop - 1, ...crossers, textBottom + 1];
    for (let i = 1; i < edges.length; i++) {
      const from = edges[i - 1] ?? 0;
      const to = edges[i] ?? 0;
      if (to - from >= minBand) candidates.push({ x, from, to });
    }
  }
  candidates.sort((p, q) => q.to - q.from - (p.to - p.from));
  const tried = new Set<string>();
  for (const { x, from, to } of candidates) {
    const inBand = segments.filter((s) => s.y > from && s.y < to);
    const left = inBand.filter((s) => s.x1 <= x);
    const right = inBand.filter((s) => s.x0 >= x);
    const key = `${from}:${to}:${left.length}:${right.length}`;
    if (tried.has(key)) continue;
    tried.add(key);
    if (!isColumnPair(left, right)) continue;
    return {
      above: segments.filter((s) => s.y <= from),
      left,
      right,
      below: segments.filter((s) => s.y >= to),
    };
  }
  return undefined;
}

/**
 * Orders a page's segments into reading blocks: text above a column band, then each column (left first,
 * or right first on a right-to-left page), then text below; columns inside columns are found the same way.
 */
export function orderByColumns(segments: Segment[], rtl: boolean, depth = 0): Segment[][] {
  if (segments.length === 0) return [];
  const split = depth < maxDepth ? findColumnSplit(segments) : undefined;
  if (!split) return [segments];
  const [first, second] = rtl ? [split.right, split.left] : [split.left, split.right];
  return [split.above, first, second, split.below].flatMap((part) => orderByColumns(part, rtl, depth + 1));
}
