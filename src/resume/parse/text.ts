/** One non-blank line of a CV, trimmed, with whether blank space came before it. */
export interface CvLine {
  text: string;
  blankBefore: boolean;
}

// Bidi controls carry no letters and break matching; ZWNJ (U+200C) is kept, Persian spells with it.
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * The one normalisation every parsed string goes through: NFKC (ligatures, presentation forms,
 * full-width forms, NBSP), no bidi controls, tabs as spaces. A soft hyphen between spaces stood for a
 * dash in the source ("Sep. 2023 ­ Mar. 2024"); elsewhere it is invisible, as Unicode means it.
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\r\n?/g, '\n')
    .replace(BIDI_CONTROLS, '')
    // Icon fonts (FontAwesome and the like) draw from the Private Use Area: glyphs, not text.
    .replace(/[\ue000-\uf8ff]/g, ' ')
    .replace(/\u00ad\n/g, '')
    .replace(/ \u00ad(?= )/g, ' -')
    .replace(/\u00ad/g, '')
    .replace(/[\t\v]/g, ' ');
}

/** Persian (۰–۹) and Arabic-Indic (٠–٩) digits as ASCII, one for one so that offsets still match. */
export function asciiDigits(text: string): string {
  return text.replace(/[\u06f0-\u06f9\u0660-\u0669]/g, (digit) => {
    const code = digit.charCodeAt(0);
    return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
  });
}

/**
 * Lower case, one unit for one so that offsets still match (the rare letter whose lower case is
 * longer stays as it is). Matching lower-cased text lets the big patterns drop the `i` flag, which
 * costs V8 hundreds of milliseconds to compile with Unicode case folding.
 */
export function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  return text.replace(/\p{Lu}/gu, (letter) => {
    const small = letter.toLowerCase();
    return small.length === letter.length ? small : letter;
  });
}

/** Collapses runs of white space to one space and trims. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// "1", "2/3", "Page 2 of 3", "John Doe – 1/2", "- 2 -": page furniture, never CV content.
const PAGE_NUMBERS = [
  /^-?\s*\d{1,3}\s*-?$/,
  /^(?:page|seite|página|pagina|страница|стр\.|页)\s*\d{1,3}(?:\s*(?:of|von|de|di|из|sur|\/)\s*\d{1,3})?$/iu,
  /(?:^|[\s–—|-])\d{1,3}\s*\/\s*\d{1,3}$/,
];
const isPageNumber = (line: string) => line.length <= 60 && PAGE_NUMBERS.some((pattern) => pattern.test(line));

/**
 * Splits a document into lines, dropping page numbers and the running header or footer lines that
 * repeat on several pages (a date, the name and "Résumé" printed at the foot of every page).
 */
export function toLines(text: string): CvLine[] {
  const pages = normaliseText(text).split('\f');
  const edgeCounts = new Map<string, number>();
  const pageLines = pages.map((page) => page.split('\n').map(squash));
  for (const lines of pageLines) {
    const filled = lines.filter((line) => line !== '');
    const edges = new Set([...filled.slice(0, 3), ...filled.slice(-4)]);
    for (const line of edges) edgeCounts.set(line, (edgeCounts.get(line) ?? 0) + 1);
  }
  const totals = new Map<string, number>();
  for (const line of pageLines.flat()) totals.set(line, (totals.get(line) ?? 0) + 1);
  // At a page edge on two pages or more, and not more often than there are pages: a running header
  // or footer. A place repeated under every job ("Seoul, S.Korea") is content.
  const repeated = (line: string) =>
    pageLines.length > 2 && (edgeCounts.get(line) ?? 0) >= 2 && (totals.get(line) ?? 0) <= pageLines.length && !/^\d{4}$/.test(line);

  const out: CvLine[] = [];
  let blank = false;
  for (const lines of pageLines) {
    for (const line of lines) {
      if (line === '') {
        blank = true;
        continue;
      }
      if (isPageNumber(line)) continue;
      if (repeated(line)) continue;
      out.push({ text: line, blankBefore: blank || out.length === 0 });
      blank = false;
    }
    blank = true;
  }
  return out;
}
