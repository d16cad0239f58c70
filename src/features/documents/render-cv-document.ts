import type { CpuPool } from '../../infra/cpu/cpu-pool.js';
import { defaultExtractionLimits } from '../../infra/extract/extraction.js';
import type { PdfRenderer, TemplateOptions } from '../../infra/pdf/pdf-renderer.js';
import { defaultTemplateOptions } from '../../infra/pdf/pdf-renderer.js';
import { guessCvLanguage } from '../../infra/pdf/cv-language.js';
import type { JsonResume } from '../../resume/json-resume.js';
import { fitToPages, type DroppedItem } from './fit-to-pages.js';
import type { DocumentLayout } from './rules.js';
import { checkTextLayer } from './text-check.js';

/** What rendering a document needs: the renderer, and a reader of a PDF's text (off the main thread). */
export interface DocumentRendering {
  renderer: PdfRenderer;
  readPdfText(pdf: Uint8Array, signal?: AbortSignal): Promise<string>;
}

export interface DocumentWarning {
  code: 'text_loss' | 'over_page_budget';
  message: string;
  words?: string[];
}

export interface RenderedDocument {
  pdf: Uint8Array;
  pages: number;
  /** The layout used: the language guessed when not asked for, font size and spacing as fitted. */
  options: TemplateOptions;
  /** Share of the printed words found in the PDF's text layer. */
  textRecall: number;
  warnings: DocumentWarning[];
  dropped: DroppedItem[];
  renderMs: number;
}

/** Reads a PDF's text in the CPU pool's threads: a render's check must not hold up the event loop. */
export function pdfTextReader(cpu: CpuPool): DocumentRendering['readPdfText'] {
  return async (pdf, signal) => {
    const reading = await cpu.run('readPdfText', [pdf, defaultExtractionLimits], signal ? { signal } : {});
    if (!reading.ok) throw new Error(`The rendered PDF could not be read back (${reading.code}): ${reading.message}`);
    return reading.text;
  };
}

/** How many missing words a `text_loss` warning lists. */
const MAX_LISTED_WORDS = 50;

/**
 * Renders a CV to PDF with a template, fitted to the page budget when there is one, then reads the
 * PDF's text back and checks that every word the CV prints is there: what an ATS would read.
 */
export async function renderCvDocument(rendering: DocumentRendering, resume: JsonResume, template: string, layout: DocumentLayout, signal?: AbortSignal): Promise<RenderedDocument> {
  const started = performance.now();
  const options: TemplateOptions = {
    ...defaultTemplateOptions,
    paper: layout.paper,
    accent: layout.accent,
    fontSize: layout.fontSize,
    language: layout.language ?? guessCvLanguage(resume),
  };
  const input = { template, data: resume, options };
  const fitted =
    layout.maxPages === undefined
      ? { rendered: await rendering.renderer.render(input, { signal }), options, dropped: [], fits: true, data: resume }
      : await fitToPages(rendering.renderer, input, layout.maxPages, { signal });
  const renderMs = performance.now() - started;
  const text = await rendering.readPdfText(fitted.rendered.pdf, signal);
  const check = checkTextLayer(fitted.data, text);
  const warnings: DocumentWarning[] = [];
  if (check.missing.length > 0) {
    warnings.push({
      code: 'text_loss',
      message: `${check.missing.length} word(s) of the CV are missing from the PDF's text layer, so software that reads CVs will not see them.`,
      words: check.missing.slice(0, MAX_LISTED_WORDS),
    });
  }
  if (!fitted.fits) {
    warnings.push({
      code: 'over_page_budget',
      message: `The CV is ${fitted.rendered.pages} pages even at its tightest, over the budget of ${layout.maxPages ?? 0}.`,
    });
  }
  return {
    pdf: fitted.rendered.pdf,
    pages: fitted.rendered.pages,
    options: fitted.options,
    textRecall: check.recall,
    warnings,
    dropped: fitted.dropped,
    renderMs: Math.round(renderMs),
  };
}
