import { defaultTemplateOptions, type PdfRenderer, type RenderedPdf, type RenderInput, type TemplateOptions } from '../../infra/pdf/pdf-renderer.js';
import type { JsonResume } from '../../resume/json-resume.js';
import { trimPieces, type TrimPiece } from '../../resume/trim-priority.js';

// Fitting a CV to a page budget: first tighten the layout within bounds a reader does not notice,
// then leave out what matters least (the ranking the Markdown writer uses too), in batches sized by
// how far over the budget the last render was. Every try is a render, so their number is bounded.

/** A piece of the CV left out to fit: where it was, its section, and its text as the owner wrote it. */
export interface DroppedItem {
  /** JSON pointer into the CV given, e.g. `/work/3/highlights/4`. */
  path: string;
  section: string;
  text: string;
}

export interface FitResult {
  rendered: RenderedPdf;
  /** The options of that render: the given ones, tightened when that was needed. */
  options: TemplateOptions;
  /** What was left out, in the order it went. */
  dropped: DroppedItem[];
  /** False when even the tightest layout without everything that may go is over the budget: the caller warns. */
  fits: boolean;
  /** How many renders the fitting took. */
  renders: number;
  /** The CV as rendered: the one given, without what was dropped. */
  data: JsonResume;
}

export type FitInput = Omit<RenderInput, 'data'> & { data: JsonResume };

// How far the layout may tighten: gaps to 60 %, the font by 1.5 pt, never under 8 pt.
const MIN_SPACING = 0.6;
const MAX_FONT_DROP = 1.5;
const MIN_FONT_SIZE = 8;
// Spacing goes before the font: smaller gaps are less noticed than smaller text.
const SPACING_STEPS = [0.8, MIN_SPACING];
const FONT_STEPS = [0.5, 1, MAX_FONT_DROP];
/** The most renders one fitting may take (a warm render costs milliseconds). */
export const MAX_FIT_RENDERS = 14;

/** Renders the CV within `maxPages`, tightening the layout and then leaving out its least useful pieces. */
export async function fitToPages(renderer: PdfRenderer, input: FitInput, maxPages: number, options: { signal?: AbortSignal } = {}): Promise<FitResult> {
  if (!Number.isInteger(maxPages) || maxPages < 1) throw new RangeError(`maxPages must be a positive integer, not ${maxPages}.`);
  const base: TemplateOptions = { ...defaultTemplateOptions, ...input.options };
  let renders = 0;
  const render = async (layout: TemplateOptions, data: JsonResume): Promise<RenderedPdf> => {
    renders += 1;
    return renderer.render({ template: input.template, data, options: layout }, { signal: options.signal });
  };
  const fits = (rendered: RenderedPdf) => rendered.pages <= maxPages;

  const first = await render(base, input.data);
  if (fits(first)) return { rendered: first, options: base, dropped: [], fits: true, renders, data: input.data };

  // The tightest layout first: if it fits, search the looser ones for the loosest that does.
  const layouts = tighterLayouts(base);
  const tightest = layouts.at(-1);
  if (tightest === undefined) return dropToFit(base, first);
  const tight = await render(tightest, input.data);
  if (!fits(tight)) return dropToFit(tightest, tight);
  let loose = -1;
  let fitting = { index: layouts.length - 1, rendered: tight };
  while (fitting.index - loose > 1) {
    const middle = Math.floor((loose + fitting.index) / 2);
    const layout = layouts[middle] ?? tightest;
    const rendered = await render(layout, input.data);
    if (fits(rendered)) fitting = { index: middle, rendered };
    else loose = middle;
  }
  return { rendered: fitting.rendered, options: layouts[fitting.index] ?? tightest, dropped: [], fits: true, renders, data: input.data };

  // Every template prints every section, so whatever goes saves room.
  async function dropToFit(layout: TemplateOptions, full: RenderedPdf): Promise<FitResult> {
    const candidates = droppable(input.data);
    // Characters left out by dropping the first k candidates, for k = 0…n.
    const cumulative = [0];
    for (const piece of candidates) cumulative.push((cumulative.at(-1) ?? 0) + piece.size);
    const totalChars = textLength(input.data);
    const without = (count: number) => withoutPaths(input.data, new Set(candidates.slice(0, count).map((piece) => piece.path)));
    const result = (count: number, rendered: RenderedPdf, fitted: boolean): FitResult => ({
      rendered,
      options: layout,
      dropped: candidates.slice(0, count).map(({ path, section, text }) => ({ path, section, text })),
      fits: fitted,
      renders,
      data: without(count),
    });

    // `over`: the largest count known not to fit; `under`: the smallest known to fit.
    let over = { count: 0, rendered: full };
    let under: { count: number; rendered: RenderedPdf } | undefined;
    while (under === undefined) {
      if (over.count >= candidates.length || renders >= MAX_FIT_RENDERS) return result(over.count, over.rendered, false);
      // The last page is taken as half full: the text of the pages beyond the budget goes, and a little more.
      const pages = over.rendered.pages;
      const charsPerPage = (totalChars - (cumulative[over.count] ?? 0)) / (pages - 0.5);
      const target = (cumulative[over.count] ?? 0) + (pages - 0.5 - maxPages) * charsPerPage * 1.1;
      const count = Math.max(over.count + 1, Math.min(candidates.length, firstCountReaching(cumulative, target)));
      const rendered = await render(layout, without(count));
      if (fits(rendered)) under = { count, rendered };
      else over = { count, rendered };
    }
    // Give back what was left out beyond need: split the characters between the two counts.
    while (under.count - over.count > 1 && renders < MAX_FIT_RENDERS) {
      const halfway = ((cumulative[over.count] ?? 0) + (cumulative[under.count] ?? 0)) / 2;
      const count = Math.min(under.count - 1, Math.max(over.count + 1, firstCountReaching(cumulative, halfway)));
      const rendered = await render(layout, without(count));
      if (fits(rendered)) under = { count, rendered };
      else over = { count, rendered };
    }
    return result(under.count, under.rendered, true);
  }
}

/** The looser-to-tighter layouts to try after `base`: spacing down first, then the font size. */
function tighterLayouts(base: TemplateOptions): TemplateOptions[] {
  const spacing = Math.min(base.spacing, MIN_SPACING);
  const minFont = Math.min(base.fontSize, Math.max(MIN_FONT_SIZE, base.fontSize - MAX_FONT_DROP));
  const layouts = SPACING_STEPS.filter((step) => step < base.spacing).map((step) => ({ ...base, spacing: step }));
  const fonts = [...new Set(FONT_STEPS.map((step) => Math.max(minFont, base.fontSize - step)))].filter((size) => size < base.fontSize);
  layouts.push(...fonts.map((fontSize) => ({ ...base, spacing, fontSize })));
  return layouts;
}

interface Candidate extends TrimPiece {
  text: string;
  /** Characters it adds to the page beyond its own lines' (which are candidates of their own). */
  size: number;
}

/** The pieces that may go to fit, in the order they go: everything but the essentials. */
function droppable(resume: JsonResume): Candidate[] {
  const pieces = trimPieces(resume);
  const parents = new Set(pieces.flatMap((piece) => (piece.parent === undefined ? [] : [piece.parent])));
  const piecePaths = new Set(pieces.map((piece) => piece.path));
  return pieces
    .filter((piece) => !piece.essential)
    .sort((a, b) => a.rank - b.rank)
    .map((piece) => {
      const value = valueAt(resume, piece.path);
      const size = parents.has(piece.path) ? textLength(value, piece.path, piecePaths) : textLength(value);
      return { ...piece, text: describe(piece.section, value), size };
    });
}

/** The smallest k whose first k candidates leave out at least `target` characters (n + 1 when none does). */
function firstCountReaching(cumulative: readonly number[], target: number): number {
  const index = cumulative.findIndex((chars) => chars >= target);
  return index === -1 ? cumulative.length : index;
}

// --- The CV as data ---------------------------------------------------------------------------

function valueAt(resume: JsonResume, path: string): unknown {
  let value: unknown = resume;
  for (const key of path.split('/').slice(1)) {
    if (Array.isArray(value)) value = value[Number(key)];
    else if (value !== null && typeof value === 'object') value = (value as Record<string, unknown>)[key];
    else return undefined;
  }
  return value;
}

/** The characters of every string in `value` (found at `path`), leaving out the values at the pointers in `skip`. */
function textLength(value: unknown, path = '', skip: ReadonlySet<string> = new Set()): number {
  if (typeof value === 'string') return value.length;
  const below = (item: unknown, key: string | number) => {
    const at = `${path}/${key}`;
    return skip.has(at) ? 0 : textLength(item, at, skip);
  };
  if (Array.isArray(value)) return value.reduce((sum: number, item, index) => sum + below(item, index), 0);
  if (value !== null && typeof value === 'object') return Object.entries(value).reduce((sum, [key, item]) => sum + below(item, key), 0);
  return 0;
}

/** The CV without the pieces at `paths` (pointers into it as given). */
function withoutPaths<T>(value: T, paths: ReadonlySet<string>, path = ''): T {
  if (Array.isArray(value)) return value.flatMap((item: unknown, index) => (paths.has(`${path}/${index}`) ? [] : [withoutPaths(item, paths, `${path}/${index}`)])) as T;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([key]) => !paths.has(`${path}/${key}`));
    return Object.fromEntries(entries.map(([key, item]) => [key, withoutPaths(item, paths, `${path}/${key}`)])) as T;
  }
  return value;
}

// The fields that name an entry or item, in the order a reader says them.
const LABEL_FIELDS: Record<string, readonly string[]> = {
  work: ['position', 'name'],
  volunteer: ['position', 'organization'],
  education: ['studyType', 'area', 'institution'],
  projects: ['name'],
  skills: ['name', 'keywords'],
  languages: ['language', 'fluency'],
  certificates: ['name', 'issuer'],
  awards: ['title', 'awarder'],
  publications: ['name', 'publisher'],
  interests: ['name', 'keywords'],
  references: ['name', 'reference'],
};

/** A piece's text for the owner: a line as written, a list joined, an entry by what names it. */
function describe(section: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string' && item.trim() !== '').join(', ');
  if (value === null || typeof value !== 'object') return '';
  const record = value as Record<string, unknown>;
  const parts = (LABEL_FIELDS[section] ?? []).map((field) => describe(section, record[field])).filter((part) => part.trim() !== '');
  return parts.join(', ');
}
