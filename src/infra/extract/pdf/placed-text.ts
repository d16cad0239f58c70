import { Util } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

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

/** The page's text runs with their positions; whitespace-only runs are dropped (gaps say where spaces go). */
export async function readPlacedText(page: PDFPageProxy): Promise<PlacedText[]> {
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent();
  const placed: PlacedText[] = [];
  let spaceBefore = false;
  for (const item of content.items) {
    if (!('str' in item)) continue;
    if (item.str.trim() === '') {
      spaceBefore ||= item.str !== '';
      continue;
    }
    const [a = 1, b = 0, c = 0, d = 1, x = 0, y = 0] = Util.transform(viewport.transform, item.transform) as number[];
    const size = Math.hypot(c, d) || Math.hypot(a, b) || 1;
    // Text set vertically (a rotated label in a margin) runs down the page: across it, it is only a line high,
    // so it must not pass for a line that spans the columns.
    const vertical = Math.abs(b) > Math.abs(a);
    placed.push({
      // Only drawn glyphs reach the text layer, so a soft hyphen here was printed as a hyphen.
      text: item.str.replace(/\u00ad/gu, '-'),
      x,
      y,
      // pdf.js gives widths in page units; the viewport at scale 1 keeps them in points.
      width: vertical ? size : Math.abs(item.width),
      size,
      rtl: item.dir === 'rtl',
      spaceBefore,
    });
    spaceBefore = false;
  }
  return placed;
}
