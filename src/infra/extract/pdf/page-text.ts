import type { PlacedText } from './placed-text.js';
import { orderByColumns } from './columns.js';
import { buildLines, buildSegments, linesToText } from './text-lines.js';

/** A page reads right to left when most of its letters are in right-to-left runs. */
export function isRightToLeftPage(runs: PlacedText[]): boolean {
  let rtl = 0;
  let all = 0;
  for (const run of runs) {
    all += run.text.length;
    if (run.rtl) rtl += run.text.length;
  }
  return rtl > all / 2;
}

/** Lays a page's text runs out in reading order: lines, columns one after the other, blank lines between blocks. */
export function layOutPageText(runs: PlacedText[]): string {
  const rtl = isRightToLeftPage(runs);
  const blocks = orderByColumns(buildSegments(runs), rtl);
  return blocks
    .map((block) => linesToText(buildLines(block, rtl)))
    .filter((text) => text !== '')
    .join('\n\n');
}
