/** One non-blank line of a CV, trimmed, with whether blank space came before it. */
export interface CvLine {
  text: string;
  blankBefore: boolean;
  /**
   * The same line with a tab where the PDF left a wide gap ("Google\tMountain View, CA"): a gap
   * separates an entry's name from its place or dates more surely than any punctuation.
   */
  tabbed?: string;
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

/** Collapses white space like `squash`, but keeps one tab where a run of white space held one. */
export function squashCells(text: string): string {
  return text
    .split('\t')
    .map(squash)
    .filter((cell) => cell !== '')
    .join('\t');
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
// Fewer lines than any CV page holds: running footers stand at least this far apart.
const PAGE_LINES = 20;
const isPageNumber = (line: string) => line.length <= 60 && PAGE_NUMBERS.some((pattern) => pattern.test(line));

/**
 * Splits a document into lines, dropping page numbers and the running header or footer lines that
 * repeat on several pages (a date, the name and "Résumé" printed at the foot of every page).
 */
export function toLines(text: string): CvLine[] {
  const pages = text.split('\t').map(normaliseText).join('\t').split('\f');
  const tabbedPages = pages.map((page) => page.split('\n').map(squashCells));
  const pageLines = tabbedPages.map((lines) => lines.map(squash));
  // A running footer carries the page's number ("Byungjin Park · Résumé 1"): without it the
  // footers of all pages read the same.
  const furniture = (line: string) => line.replace(/(?:\s+|\s*[|·–—-]\s*)\d{1,3}$/u, '');
  const edgeCounts = new Map<string, number>();
  for (const lines of pageLines) {
    const filled = lines.filter((line) => line !== '');
    const edges = new Set([...filled.slice(0, 3), ...filled.slice(-4)].map(furniture));
    for (const line of edges) edgeCounts.set(line, (edgeCounts.get(line) ?? 0) + 1);
  }
  const totals = new Map<string, number>();
  for (const line of pageLines.flat()) totals.set(furniture(line), (totals.get(furniture(line)) ?? 0) + 1);
  // At a page edge on two pages or more, and not more often than there are pages: a running header
  // or footer. A place repeated under every job ("Seoul, S.Korea") is content.
  // Page breaks may be lost (extractors turn them into blank lines); a line that comes back with
  // the page number counting up (… 1, … 2, … 3) is a running footer all the same.
  // Entries numbered in a row ("Project 1", "Project 2") stand close together; footers a page apart.
  const numbered = new Map<string, { page: number; at: number }[]>();
  pageLines
    .flat()
    .filter((line) => line !== '')
    .forEach((line, at) => {
      const key = furniture(line);
      if (key === line || key === '') return;
      const seen = numbered.get(key) ?? [];
      seen.push({ page: Number(line.slice(key.length).replace(/\D/g, '')), at });
      numbered.set(key, seen);
    });
  const footers = new Set(
    [...numbered.entries()]
      .filter(
        ([key, seen]) =>
          seen.length >= 2 &&
          seen.length === totals.get(key) &&
          (seen[0]?.page ?? 0) <= 2 &&
          seen.every((one, i) => i === 0 || (one.page === (seen[i - 1]?.page ?? 0) + 1 && one.at - (seen[i - 1]?.at ?? 0) >= PAGE_LINES)),
      )
      .map(([key]) => key),
  );
  const repeated = (line: string) =>
    footers.has(furniture(line)) ||
    (pageLines.length > 2 &&
    (edgeCounts.get(furniture(line)) ?? 0) >= 2 &&
    (totals.get(furniture(line)) ?? 0) <= pageLines.length &&
    !/^\d{4}$/.test(line));

  const out: CvLine[] = [];
  let blank = false;
  pageLines.forEach((lines, page) => {
    lines.forEach((line, index) => {
      if (line === '') {
        blank = true;
        return;
      }
      if (isPageNumber(line)) return;
      if (repeated(line)) return;
      const tabbed = tabbedPages[page]?.[index] ?? line;
      out.push({ text: line, blankBefore: blank || out.length === 0, ...(tabbed.includes('\t') ? { tabbed } : {}) });
      blank = false;
    });
    blank = true;
  });
  return out;
}
