// A CV written mostly in a right-to-left script lays out right to left: its name, headline and summary
// decide, as they are what a reader meets first and what the person wrote in their own language.

export type TextDirection = 'ltr' | 'rtl';

const rightToLeftLetter = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;

/** `rtl` when more than half the letters of `text` belong to right-to-left scripts. */
export function dominantDirection(text: string): TextDirection {
  let rightToLeft = 0;
  let letters = 0;
  for (const [character] of text.matchAll(/\p{L}/gu)) {
    letters++;
    if (rightToLeftLetter.test(character)) rightToLeft++;
  }
  return rightToLeft * 2 > letters ? 'rtl' : 'ltr';
}

/** The direction of a JSON Resume CV, from `basics.name`, `basics.label` and `basics.summary`. */
export function cvDirection(cv: unknown): TextDirection {
  const basics = isRecord(cv) && isRecord(cv['basics']) ? cv['basics'] : {};
  const lead = ['name', 'label', 'summary'].map((key) => basics[key]).filter((value): value is string => typeof value === 'string');
  return dominantDirection(lead.join(' '));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
