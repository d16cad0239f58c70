import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * pdf.js drops every glyph whose Unicode value is a format character (\p{Cf}) from the text it returns. That
 * removes bidi marks, which we want, but also glyphs that were drawn: LuaTeX and XeTeX documents often map
 * their hyphen and dash glyphs to U+00AD, so "high-impact" came out as "highimpact", and Persian loses
 * the zero-width non-joiner that separates the parts of a word. The worker is loaded in this thread (the
 * "fake worker" pdf.js uses in Node) from a copy whose filter keeps those characters.
 */
const filterInPdfjs = 'if (category.isInvisibleFormatMark) {';
const filterKeepingDrawnMarks =
  'if (category.isInvisibleFormatMark && glyph.unicode !== "\\u00ad" && glyph.unicode !== "\\u200c") {';

interface WorkerModule {
  WorkerMessageHandler: unknown;
}

declare global {
  // pdf.js looks for an in-thread worker here before importing its own.
  var pdfjsWorker: WorkerModule | undefined;
}

let installed: Promise<void> | undefined;

async function loadPatchedWorker(): Promise<void> {
  const workerPath = createRequire(import.meta.url).resolve('pdfjs-dist/legacy/build/pdf.worker.mjs');
  const source = await readFile(workerPath, 'utf8');
  const occurrences = source.split(filterInPdfjs).length - 1;
  if (occurrences !== 1) {
    // Another pdf.js version: the patch point moved. Fail loudly rather than silently lose hyphens.
    throw new Error(`pdf.js worker: expected one format-mark filter in ${workerPath}, found ${occurrences}`);
  }
  // The source-map comment names a file relative to the package, which a data: URL has no base for.
  const patched = source.replace(filterInPdfjs, filterKeepingDrawnMarks).replace(/^\/\/# sourceMappingURL=.*$/m, '');
  const url = `data:text/javascript;base64,${Buffer.from(patched).toString('base64')}`;
  const module = (await import(url)) as WorkerModule;
  globalThis.pdfjsWorker = { WorkerMessageHandler: module.WorkerMessageHandler };
}

/** Installs pdf.js's worker in this thread, keeping drawn hyphens and joiners (once per thread). */
export function installPdfjsWorker(): Promise<void> {
  installed ??= loadPatchedWorker();
  return installed;
}
