import { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

const imageOperators = new Set<number>([
  OPS.paintImageXObject,
  OPS.paintInlineImageXObject,
  OPS.paintImageMaskXObject,
  OPS.paintImageXObjectRepeat,
  OPS.paintImageMaskXObjectRepeat,
  OPS.paintSolidColorImageMask,
  OPS.paintInlineImageXObjectGroup,
  OPS.paintImageMaskXObjectGroup,
]);

/**
 * Design tools can export text as outlines (filled paths, no text layer). A page with this many paths
 * is worth reading by OCR; a page of a few rules and boxes is not.
 */
const minPathsForOutlinedText = 50;

/**
 * Whether a page without a text layer may still show text: it draws an image (a scan, a photo of a page)
 * or many paths (outlined text). Only asked of such pages, which OCR would rasterise anyway.
 */
export async function mayShowTextAsGraphics(page: PDFPageProxy): Promise<boolean> {
  const operators = await page.getOperatorList();
  let paths = 0;
  for (const op of operators.fnArray) {
    if (imageOperators.has(op)) return true;
    if (op === OPS.constructPath) paths++;
  }
  return paths >= minPathsForOutlinedText;
}
