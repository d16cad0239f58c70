import { wordRecall } from '../../infra/extract/word-recall.js';
import type { JsonResume } from '../../resume/json-resume.js';

/**
 * Whether a rendered PDF's text layer says what the CV says: after every render, the text read back from the
 * PDF must hold every word the template prints of the CV, or ATS software reads less than the owner sees.
 */

/** What a PDF's text kept of the CV it was rendered from. */
export interface TextLayerCheck {
  /** Share of the CV's printed words found in the text (1 when every one was). */
  recall: number;
  /** Printed words not found, once per missing occurrence, in CV order (normalised as compared). */
  missing: string[];
}

/**
 * The fields every template prints (the shared library, `src/templates/lib/cv.typ`, prints each
 * section the same way), as paths into the CV; an array on the way is walked item by item.
 *
 * URLs are left out: a template may print one shortened, as a link text or not at all, and a URL's words are
 * no skill or fact an ATS looks for.
 */
const printedPaths: readonly (readonly string[])[] = [
  ['basics', 'name'],
  ['basics', 'label'],
  ['basics', 'email'],
  ['basics', 'phone'],
  ...['address', 'postalCode', 'city', 'region', 'countryCode'].map((field) => ['basics', 'location', field]),
  ['basics', 'profiles', 'network'],
  ['basics', 'profiles', 'username'],
  ['basics', 'summary'],
  ...['position', 'name', 'description', 'startDate', 'endDate', 'location', 'summary', 'highlights'].map((field) => ['work', field]),
  ...['position', 'organization', 'startDate', 'endDate', 'summary', 'highlights'].map((field) => ['volunteer', field]),
  ...['institution', 'studyType', 'area', 'startDate', 'endDate', 'score', 'courses'].map((field) => ['education', field]),
  ...['title', 'awarder', 'date', 'summary'].map((field) => ['awards', field]),
  ...['name', 'issuer', 'date'].map((field) => ['certificates', field]),
  ...['name', 'publisher', 'releaseDate', 'summary'].map((field) => ['publications', field]),
  ...['name', 'level', 'keywords'].map((field) => ['skills', field]),
  ...['language', 'fluency'].map((field) => ['languages', field]),
  ...['name', 'keywords'].map((field) => ['interests', field]),
  ...['name', 'reference'].map((field) => ['references', field]),
  ...['name', 'description', 'startDate', 'endDate', 'highlights', 'roles', 'entity', 'type', 'keywords'].map((field) => ['projects', field]),
];

/** Date fields, which templates print to the month. */
const dateFields = new Set(['startDate', 'endDate', 'date', 'releaseDate']);

/** The values at `path` in `value`, arrays on the way walked item by item. */
function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuesAt(item, path));
  const [key, ...rest] = path;
  if (key === undefined) return [value];
  if (typeof value !== 'object' || value === null) return [];
  return valuesAt((value as Record<string, unknown>)[key], rest);
}

/** An ISO date as templates print it: "2013-12-01" as "2013-12"; anything else as it is. */
function toPrintedDate(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/u.test(value) ? value.slice(0, 7) : value;
}

/** What a field of one entry prints: each item of a list; a date to the month, and an end date in the month it started not at all ("2016-08", not "2016-08 – 2016-08"). */
function printedValues(entry: unknown, field: string): string[] {
  const start = valuesAt(entry, ['startDate'])[0];
  return valuesAt(entry, [field]).flatMap((value) => {
    if (typeof value === 'number') return [String(value)];
    if (typeof value !== 'string') return [];
    if (!dateFields.has(field)) return [value];
    if (field === 'endDate' && typeof start === 'string' && toPrintedDate(start) === toPrintedDate(value)) return [];
    return [toPrintedDate(value)];
  });
}

/** The text every template prints of a CV, one field a line, dates as printed. */
export function printedCvText(resume: JsonResume): string {
  return printedPaths
    .flatMap((path) => valuesAt(resume, path.slice(0, -1)).flatMap((entry) => printedValues(entry, path.at(-1) ?? '')))
    .filter((text) => text !== '')
    .join('\n');
}

/**
 * Checks a rendered CV's extracted text against the CV: every printed word must come back.
 *
 * Words are compared as `recallTokens` cuts them (NFKC, case folded, zero-width joiners dropped, letters and
 * digits only, so dashes and quotes do not count); Han, kana and Hangul, written without spaces, count
 * character by character. A right-to-left word read back reversed is a different token, so it is missing.
 * Words joined by a hyphen count as one, as a reader may join a compound broken at its hyphen across lines.
 * The comparison is a multiset: a word the CV prints twice must be there twice, so a lost bullet is noticed
 * even when its words occur elsewhere ("and", "the", a skill named again).
 */
export function checkTextLayer(resume: JsonResume, extractedText: string): TextLayerCheck {
  const { recall, missing } = wordRecall(joinHyphenated(printedCvText(resume)), joinHyphenated(extractedText));
  return { recall, missing };
}

/**
 * "micro-services" as "microservices", on both sides: a compound that wraps at its hyphen is joined
 * again by the reader ("micro-⏎services" reads "microservices"), and that is no word lost.
 */
function joinHyphenated(text: string): string {
  return text.replace(/(\p{L})[-\u2010\u2011]\s*(?=\p{L})/gu, '$1');
}
