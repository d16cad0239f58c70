/** What renders a structured CV to PDF, whatever engine and process model sits behind it. */

/** How a template lays the CV out; every template honours all of them. */
export interface TemplateOptions {
  paper: 'a4' | 'us-letter';
  /** Headings and rules, as `#rrggbb`. */
  accent: string;
  /** Base font size in points; headings and the name scale from it. */
  fontSize: number;
  /** Vertical space between blocks as a share of the template's own (1 = as designed); fitting lowers it. */
  spacing: number;
  /** ISO 639-1 code: the section headings' language and the PDF's declared language. */
  language: string;
}

export const defaultTemplateOptions: TemplateOptions = { paper: 'a4', accent: '#1f3a5f', fontSize: 10, spacing: 1, language: 'en' };

export interface RenderInput {
  /** The file `<templates folder>/<name>.typ`: one of `templateCatalogue` in production. */
  template: string;
  /** The CV (JSON Resume); the template reads it as data, never as markup. */
  data: unknown;
  /** Missing fields take `defaultTemplateOptions`, but for `language`: the CV's own (`guessCvLanguage`). */
  options?: Partial<TemplateOptions>;
}

export interface RenderedPdf {
  pdf: Uint8Array;
  pages: number;
}

/** Page 1 of a document as a PNG image, for showing what a template looks like. */
export interface RenderedPreview {
  png: Uint8Array;
  /** The pages the whole document has. */
  pages: number;
  widthPx: number;
  heightPx: number;
}

export interface PreviewOptions extends RenderOptions {
  /** The image's width in pixels (16–4000); its height follows the page's proportions. */
  widthPx: number;
}

export interface RenderOptions {
  /** Aborting gives up on the render: the call rejects with `render_aborted`. */
  signal?: AbortSignal;
}

export interface PdfRenderer {
  /** Renders one document; rejects with a `RenderError`. */
  render(input: RenderInput, options?: RenderOptions): Promise<RenderedPdf>;
  /** Renders page 1 of a document as a PNG; rejects with a `RenderError`. */
  renderPreview(input: RenderInput, options: PreviewOptions): Promise<RenderedPreview>;
  /** Stops accepting renders and ends the processes behind the renderer. */
  close(): Promise<void>;
}

export const renderErrorCodes = ['render_failed', 'render_timeout', 'render_aborted', 'renderer_closed', 'missing_glyphs'] as const;
export type RenderErrorCode = (typeof renderErrorCodes)[number];

/** What a `missing_glyphs` error adds: the characters no font can draw, in order of first appearance. */
export interface MissingGlyphs {
  characters: readonly string[];
}

/**
 * A render that did not give a PDF; `render_failed` carries the engine's diagnostics in its message,
 * `missing_glyphs` names the characters no bundled font covers in its message and in `missing`.
 */
export class RenderError extends Error {
  constructor(
    readonly code: RenderErrorCode,
    message: string,
    readonly missing?: MissingGlyphs,
  ) {
    super(message);
    this.name = 'RenderError';
  }
}
