// What a person types into the questionnaire is stored as plain text, never as markup. Tags are
// removed, and so is everything inside <script> and <style> (the upstream kept that text: its
// `strip_tags` left `alert("xss")` behind). Control characters go too: PostgreSQL refuses NUL, and
// none of them means anything in a job title.

const HIDDEN_ELEMENTS = /<(script|style|template|noscript|iframe|object)\b[^>]*>[\s\S]*?(<\/\1\s*>|$)/gi;
const COMMENTS = /<!--[\s\S]*?(-->|$)/g;
const TAGS = /<\/?[a-z!?][^<>]*(>|$)/gi;
// C0 controls except tab and line breaks, DEL, C1 controls, and the invisible format characters
// that only ever arrive by accident or to disguise text (zero-width spaces, bidi overrides, BOM).
const CONTROLS = /(?![\t\n\r])[\p{Cc}\u200B\u202A-\u202E\u2066-\u2069\uFEFF]/gu;

function stripMarkup(value: string): string {
  return value.replace(HIDDEN_ELEMENTS, ' ').replace(COMMENTS, ' ').replace(TAGS, ' ').replace(CONTROLS, '');
}

/** A single-line field (position, industry, location): markup and control characters removed, whitespace runs made one space. */
export function sanitiseLine(value: string): string {
  return stripMarkup(value).replace(/\s+/gu, ' ').trim();
}

/**
 * A multi-line field (a job description): like a line, but paragraph and line breaks are kept, so
 * the list of requirements stays a list; at most one blank line in a row.
 */
export function sanitiseParagraphs(value: string): string {
  return stripMarkup(value.replace(/\r\n?/g, '\n'))
    .split('\n')
    .map((line) => line.replace(/[^\S\n]+/gu, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
