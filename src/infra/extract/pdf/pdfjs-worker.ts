import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * The worker is loaded in this thread (the "fake worker" pdf.js uses in Node) from a copy of pdf.js's own,
 * with a few lines changed where pdf.js loses text that was drawn. Each change names the one line it
 * replaces; a pdf.js version where that line moved fails loudly rather than silently reading worse.
 */
interface WorkerPatch {
  /** Why the line is changed. */
  reason: string;
  find: string;
  replace: string;
}

const patches: readonly WorkerPatch[] = [
  {
    // pdf.js drops every glyph whose Unicode value is a format character (\p{Cf}). That removes bidi marks,
    // which we want, but also glyphs that were drawn: LuaTeX and XeTeX documents often map their hyphen and
    // dash glyphs to U+00AD, so "high-impact" came out as "highimpact", and Persian loses the zero-width
    // non-joiner that separates the parts of a word.
    reason: 'keep drawn soft hyphens and zero-width non-joiners',
    find: 'if (category.isInvisibleFormatMark) {',
    replace: 'if (category.isInvisibleFormatMark && glyph.unicode !== "\\u00ad" && glyph.unicode !== "\\u200c") {',
  },
  {
    // pdf.js's pattern for a glyph's Unicode category anchors only its first and last alternatives, so a glyph
    // whose text merely contains a combining mark ("q̣", a letter and its vowel sign mapped as one cluster) is
    // taken for a zero-width mark: its advance is dropped and everything after it on the run is misplaced.
    reason: 'classify a glyph by its whole text, not by any mark inside it',
    find: String.raw`new RegExp("^(\\s)|(\\p{Mn})|(\\p{Cf})$", "u")`,
    replace: String.raw`new RegExp("^(?:(\\s)|(\\p{Mn}+)|(\\p{Cf}))$", "u")`,
  },
  {
    // Right-to-left text is drawn in visual order and pdf.js reverses a run character by character to get it
    // back. A glyph that stands for several characters (the lam-alef ligature, a letter drawn with its
    // vowel mark) then comes back with its own characters reversed: الأحمد read as األحمد. Reversing such a
    // glyph's text beforehand makes the run's reversal restore it.
    reason: 'keep the characters of a right-to-left ligature in logical order',
    find: 'textChunk.str.push(glyphUnicode);',
    replace:
      'textChunk.str.push(glyphUnicode.length > 1 && /^[\\u0590-\\u08ff\\ufb1d-\\ufdff\\ufe70-\\ufefc]/u.test(glyphUnicode) ? [...glyphUnicode].reverse().join("") : glyphUnicode);',
  },
  {
    // A producer that cannot say with one glyph's Unicode map what a cluster of glyphs means (a vowel with a
    // dot below drawn as a base letter and a mark, when the base glyph stands for the bare letter elsewhere)
    // wraps the cluster in a marked-content span with /ActualText. pdf.js keeps only the span's tag; the
    // text is passed on so the reader can put it in place of the glyphs (see placed-text.ts).
    reason: 'pass on the /ActualText of marked-content spans',
    find: 'id: Number.isInteger(mcid) ? `${self.idFactory.getPageObjId()}_mc${mcid}` : null,',
    replace:
      'id: Number.isInteger(mcid) ? `${self.idFactory.getPageObjId()}_mc${mcid}` : null, actualText: args[1] instanceof Dict && typeof args[1].get("ActualText") === "string" ? stringToPDFString(args[1].get("ActualText")) : null,',
  },
];

interface WorkerModule {
  WorkerMessageHandler: unknown;
}

declare global {
  // pdf.js looks for an in-thread worker here before importing its own.
  var pdfjsWorker: WorkerModule | undefined;
}

let installed: Promise<void> | undefined;

function applyPatch(source: string, patch: WorkerPatch, workerPath: string): string {
  const occurrences = source.split(patch.find).length - 1;
  if (occurrences !== 1) {
    throw new Error(`pdf.js worker: cannot ${patch.reason}: expected the line once in ${workerPath}, found it ${occurrences} times`);
  }
  return source.replace(patch.find, () => patch.replace);
}

async function loadPatchedWorker(): Promise<void> {
  const workerPath = createRequire(import.meta.url).resolve('pdfjs-dist/legacy/build/pdf.worker.mjs');
  const source = await readFile(workerPath, 'utf8');
  // The source-map comment names a file relative to the package, which a data: URL has no base for.
  const patched = patches.reduce((text, patch) => applyPatch(text, patch, workerPath), source).replace(/^\/\/# sourceMappingURL=.*$/m, '');
  const url = `data:text/javascript;base64,${Buffer.from(patched).toString('base64')}`;
  const module = (await import(url)) as WorkerModule;
  globalThis.pdfjsWorker = { WorkerMessageHandler: module.WorkerMessageHandler };
}

/** Installs pdf.js's worker in this thread, with the text it would lose kept (once per thread). */
export function installPdfjsWorker(): Promise<void> {
  installed ??= loadPatchedWorker();
  return installed;
}
