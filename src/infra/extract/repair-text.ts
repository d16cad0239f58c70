/**
 * Text repair after extraction. Each step undoes one thing PDF producers or extractors do to text;
 * none of them needs to know where the text came from, so DOCX and TXT text can go through it too.
 */

/** Compatibility characters that NFKC turns back into the letters a reader sees: Latin and Armenian
 * ligatures, Hebrew and Arabic presentation forms, full-width Latin letters and digits, half-width kana. */
const presentationForms =
  /[\uFB00-\uFB06\uFB13-\uFB17\uFB1D-\uFB4F\uFB50-\uFDFF\uFE70-\uFEFE\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF65-\uFF9F]+/gu;

/** Invisible characters that only steer layout: bidi embeddings, isolates and marks, zero-width space, BOM, word joiner. */
const invisibleControls = /[\u061C\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/gu;

/** Icon fonts (Font Awesome and the like) put their glyphs in the private-use areas. */
const privateUse = /[\uE000-\uF8FF\u{F0000}-\u{FFFFD}\u{100000}-\u{10FFFD}]/gu;

/**
 * C0 and C1 controls other than tab, line and page breaks. An extractor falls back to the raw character code for a
 * glyph the font's Unicode map leaves out: icons, and the dots a shaper splits from an Arabic letter (which
 * sit inside the word, so they are removed rather than turned into spaces).
 */
const controlCharacters = /[^\P{Cc}\t\n\r\f]/gu;

/** Unicode spaces that are only wider or narrower versions of a space. */
const otherSpaces = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/gu;

/**
 * Normalises compatibility characters where it repairs text. Whole-text NFKC would also turn "m²" into
 * "m2", "½" into "1⁄2" and CJK full-width punctuation into ASCII, which changes what the author wrote.
 */
function normaliseForms(text: string): string {
  return text.replace(presentationForms, (run) => run.normalize('NFKC')).normalize('NFC');
}

/** Zero-width non-joiners separate parts of one Persian word; anywhere else they are noise. */
function keepJoinersInsideWords(text: string): string {
  return text.replace(/\u200C+/gu, (joiner, offset: number, whole: string) => {
    const before = whole.slice(Math.max(0, offset - 2), offset);
    const after = whole.slice(offset + joiner.length, offset + joiner.length + 2);
    return /\p{L}\p{M}*$/u.test(before) && /^\p{L}/u.test(after) ? '\u200C' : '';
  });
}

function normaliseWhitespace(text: string): string {
  return text
    .replace(/\r\n?/gu, '\n')
    .replace(/\f/gu, '\n\n')
    .replace(/[ \t]+/gu, (run) => (run.includes('\t') ? '\t' : ' '))
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/gu, '\n\n')
    .trim();
}

/**
 * Joins a word hyphenated at a line end. The document is its own dictionary: if the joined word or the
 * hyphenated compound occurs elsewhere, that spelling wins. Otherwise a break between two lower-case
 * parts is typesetting (TeX and Word hyphenate so), while a one-letter first part ("e-mail"), a capital
 * or a digit after the break ("COVID-19", "Python-Based") or a compound already hyphenated keeps its hyphen.
 */
function joinHyphenatedWords(text: string): string {
  const words = new Set(text.match(/[\p{L}\p{M}\p{N}]+(?:-[\p{L}\p{M}\p{N}]+)*/gu) ?? []);
  // A cell pushed to the right margin (a date, after a tab) may sit between the fragment and the line end.
  return text.replace(
    /([\p{L}\p{M}\p{N}]+(?:-[\p{L}\p{M}\p{N}]+)*)-(\t[^\n]*)?\n([\p{L}\p{M}\p{N}]+)([^\s]*)[ \t]*/gu,
    (_match, left: string, cell: string | undefined, right: string, rest: string) => {
      const joined = `${left}${right}`;
      const compound = `${left}-${right}`;
      let word: string;
      if (words.has(compound) && !words.has(joined)) word = compound;
      else if (words.has(joined)) word = joined;
      else word = !left.includes('-') && /\p{Ll}{2}$/u.test(left) && /^\p{Ll}/u.test(right) ? joined : compound;
      return cell ? `${word}${rest}${cell}\n` : `${word}${rest} `;
    },
  );
}

/**
 * Collapses letter-spaced headings ("E X P E R I E N C E" → "EXPERIENCE"). Four or more single letters in
 * a row are a spaced word; wider gaps (two spaces or a tab) separate its words.
 */
function collapseLetterSpacing(text: string): string {
  return text.replace(/(?<![\p{L}\p{N}])\p{Lu}(?:(?: |  +|\t)\p{Lu}){3,}(?![\p{L}\p{N}])/gu, (run) =>
    run
      .split(/ {2,}|\t/u)
      .map((word) => word.replace(/ /gu, ''))
      .join(' '),
  );
}

/** Repairs what extraction breaks (ligatures, soft hyphens, split words, spaced headings, presentation forms, bidi marks). */
export function repairExtractedText(text: string): string {
  let repaired = normaliseForms(text)
    .replace(invisibleControls, '')
    .replace(privateUse, ' ')
    .replace(controlCharacters, '');
  repaired = keepJoinersInsideWords(repaired);
  // A soft hyphen is invisible unless the line breaks there; at a line end it marks a hyphenated word.
  repaired = repaired.replace(/\u00AD[ \t]*\n[ \t]*/gu, '').replace(/\u00AD/gu, '');
  repaired = collapseLetterSpacing(repaired.replace(otherSpaces, ' '));
  return normaliseWhitespace(joinHyphenatedWords(normaliseWhitespace(repaired)));
}
