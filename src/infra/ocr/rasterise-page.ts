import { createCanvas } from '@napi-rs/canvas';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Tesseract reads body text best at about 300 dpi; PDF space is 72 units to the inch. */
export const ocrDpi = 300;
/** A page larger than this many pixels a side (a poster, a mis-sized scan) is rendered smaller. */
const maxSidePixels = 5000;

/** Renders one PDF page to an image at about `dpi` (PNG, lossless, for OCR; JPEG where a scan is imitated). */
export async function rasterisePdfPage(doc: PDFDocumentProxy, pageNumber: number, dpi = ocrDpi, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const page = await doc.getPage(pageNumber);
  try {
    const natural = page.getViewport({ scale: 1 });
    const scale = Math.min(dpi / 72, maxSidePixels / Math.max(natural.width, natural.height));
    const viewport = page.getViewport({ scale });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    // pdf.js draws on any canvas with the DOM's 2D API, which @napi-rs/canvas implements; it paints the white page itself.
    await page.render({ canvas, viewport }).promise;
    return format === 'png' ? canvas.toBuffer('image/png') : canvas.toBuffer('image/jpeg', 85);
  } finally {
    page.cleanup();
  }
}
