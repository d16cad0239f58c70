import { Util } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PageViewport, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** A run of text as pdf.js drew it, in page space with y growing downwards (as read). */
export interface PlacedText {
  text: string;
  /** Left edge and baseline, in points from the page's top-left corner. */
  x: number;
  y: number;
  width: number;
  /** Font size in points (the height of the text matrix). */
  size: number;
  rtl: boolean;
  /** The producer drew a space just before this run (as a glyph of its own, which is dropped). */
  spaceBefore: boolean;
}

type ContentItem = Awaited<ReturnType<PDFPageProxy['getTextContent']>>['items'][number];
type TextItem = Extract<ContentItem, { str: string }>;
/** A marked-content boundary; our patched pdf.js worker adds a span's /ActualText (see pdfjs-worker.ts). */
type MarkedContent = Exclude<ContentItem, TextItem> & { actualText?: string | null };

/** A run before whitespace is read off it. */
type DrawnText = Omit<PlacedText, 'spaceBefore'>;

/** An open marked-content span; one with `actualText` collects the runs drawn inside it. */
interface OpenSpan {
  actualText: string | null;
  runs: DrawnText[];
}

/** Where a text item sits on the page and what it says. */
function placeItem(item: TextItem, viewport: PageViewport): DrawnText {
  const [a = 1, b = 0, c = 0, d = 1, x = 0, y = 0] = Util.transform(viewport.transform, item.transform) as number[];
  const size = Math.hypot(c, d) || Math.hypot(a, b) || 1;
  // Text set vertically (a rotated label in a margin) runs down the page: across it, it is only a line high,
  // so it must not pass for a line that spans the columns.
  const vertical = Math.abs(b) > Math.abs(a);
  // pdf.js gives widths in page units; the viewport at scale 1 keeps them in points.
  return { text: item.str, x, y, size, width: vertical ? size : Math.abs(item.width), rtl: item.dir === 'rtl' };
}

const rightToLeftLetter = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;

/** Text written right to left: its first letter is Hebrew, Arabic or of another right-to-left script. */
function startsRightToLeft(text: string): boolean {
  const letter = /\p{L}/u.exec(text)?.[0];
  return letter !== undefined && rightToLeftLetter.test(letter);
}

/**
 * The runs of an /ActualText span as one run carrying that text, over the extent of the glyphs it replaces:
 * the producer says what the glyphs mean, which their own Unicode values (a bare letter, an unmapped mark,
 * a space pdf.js put where a mark is offset) do not. A span over no drawn text (a figure's) gives nothing.
 */
function actualTextRun(runs: DrawnText[], actualText: string): DrawnText | undefined {
  const drawn = runs.filter((run) => run.text.trim() !== '');
  const first = drawn[0];
  if (!first) return undefined;
  // Whitespace inside the span is either the space before it or a jump to an offset mark; the glyphs alone
  // say where the cluster is, and the gap before them whether a space was drawn.
  const x0 = Math.min(...drawn.map((run) => run.x));
  const x1 = Math.max(...drawn.map((run) => run.x + run.width));
  return { ...first, text: actualText, x: x0, width: x1 - x0, rtl: startsRightToLeft(actualText) };
}

/** The page's runs in drawing order, with /ActualText spans put in place of the glyphs they cover. */
function readRuns(items: ContentItem[], viewport: PageViewport): DrawnText[] {
  const runs: DrawnText[] = [];
  const open: OpenSpan[] = [];
  for (const item of items) {
    if ('str' in item) {
      // Spans nested in an /ActualText span belong to it: the outermost one says what the whole means.
      const collecting = open.find((span) => span.actualText !== null);
      (collecting ? collecting.runs : runs).push(placeItem(item, viewport));
    } else if (item.type === 'endMarkedContent') {
      const span = open.pop();
      if (span?.actualText != null && !open.some((outer) => outer.actualText !== null)) {
        const run = actualTextRun(span.runs, span.actualText);
        if (run) runs.push(run);
      }
    } else {
      open.push({ actualText: (item as MarkedContent).actualText ?? null, runs: [] });
    }
  }
  // A span left open at the page's end still drew its glyphs.
  for (const span of open) runs.push(...span.runs);
  return runs;
}

/** The page's text runs with their positions; whitespace-only runs are dropped (gaps say where spaces go). */
export async function readPlacedText(page: PDFPageProxy): Promise<PlacedText[]> {
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent({ includeMarkedContent: true });
  const placed: PlacedText[] = [];
  let spaceBefore = false;
  for (const run of readRuns(content.items, viewport)) {
    if (run.text.trim() === '') {
      spaceBefore ||= run.text !== '';
      continue;
    }
    // Only drawn glyphs reach the text layer, so a soft hyphen here was printed as a hyphen.
    placed.push({ ...run, text: run.text.replace(/\u00ad/gu, '-'), spaceBefore });
    spaceBefore = false;
  }
  return placed;
}
