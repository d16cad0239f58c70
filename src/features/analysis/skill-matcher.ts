import { lowerSameLength } from '../../resume/parse/text.js';
import { skillVocabulary } from './vocabulary.js';

/** How a name must be written to count (see vocabulary.ts): any case, with its capitals, or with its capitals in a list of skills. */
export type NameStrictness = 'any-case' | 'cased' | 'listed';

interface SkillName {
  display: string;
  strictness: NameStrictness;
  /** The first letters of its first word, lower case and without accents: where in a text it may start. */
  prefix: string;
  /** The name starts with a symbol before its first word (".NET"). */
  symbolFirst: boolean;
  /** Matches the original text, capitals as written (cased and listed names only). */
  exact: RegExp | undefined;
  /** Matches the lower-cased text, whatever the case. */
  folded: RegExp;
}

/** One skill: all the names it goes by. */
export interface Skill {
  /** Stable identity: names of one skill share it, so an advert's "NodeJS" and a CV's "Node.js" meet. */
  id: string;
  names: SkillName[];
}

/** A text prepared once for many skills: the lower-cased copy keeps every offset of the original. */
export interface PreparedText {
  text: string;
  lowered: string;
  /** Where words start, by their first one, two and three letters (lower case, no accents). */
  wordStarts: Map<string, number[]>;
}

export interface SkillMatch {
  skill: Skill;
  /** The name as the vocabulary writes it, whichever spelling the text used. */
  display: string;
  strictness: NameStrictness;
  index: number;
  end: number;
}

// A match starts where a word starts (see `prepareText`), so only its end needs a boundary: a letter
// or a digit after it means it sits inside a longer word; + and # belong to C++ and C#. The patterns
// go without the `u` flag and its Unicode classes, which make hundreds of patterns slow to compile:
// letters are spelled out as Latin, Greek and Cyrillic ranges (a CJK character may follow a name
// directly, as CJK writes without spaces).
const LETTER_OR_DIGIT = 'A-Za-z0-9_\\u00C0-\\u024F\\u0370-\\u04FF';
const AFTER = `(?![${LETTER_OR_DIGIT}+#])`;
// Single letters and common words also refuse a hyphen, an ampersand or an apostrophe next to them:
// C-level, R&D, Go-to-market, R's.
const AFTER_LISTED = `(?![${LETTER_OR_DIGIT}+#&'’\\-]|\\.[${LETTER_OR_DIGIT}])`;
const NOT_BEFORE_LISTED = /[&'’.-]/;
const NOT_BEFORE_SYMBOL = /[\p{L}\p{N}_.]/u;
const LETTER_OR_DIGIT_CHAR = /[\p{L}\p{N}]/u;

/** Whether a name may start here: not after a dot inside a dotted name ("js" of "Node.js"), nor, for a single letter, after a hyphen or an ampersand. */
function mayStartAfter(text: string, start: number, strictness: NameStrictness): boolean {
  const previous = text.charAt(start - 1);
  if (previous === '.' && LETTER_OR_DIGIT_CHAR.test(text.charAt(start - 2))) return false;
  return strictness !== 'listed' || !NOT_BEFORE_LISTED.test(previous);
}

const escapeChar = (char: string) => (/[.*+?^${}()|[\]\\/]/.test(char) ? `\\${char}` : char);

/** A letter with its accent optional: "Inglés" also reads "Ingles". */
function letterPattern(char: string): string {
  const base = char.normalize('NFD').replace(/\p{M}/gu, '');
  return base !== char && base.length === 1 ? `[${base}${char}]` : escapeChar(char);
}

/** The pattern body of one spelling: separators between its parts may be doubled, swapped or left out. */
function spellingPattern(spelling: string): string {
  let body = '';
  for (let i = 0; i < spelling.length; i++) {
    const char = spelling.charAt(i);
    const between = i > 0 && i < spelling.length - 1;
    if (/[\s_-]/.test(char) && between) {
      body += '[\\s\\-‐‑_]{0,2}';
      while (/[\s_-]/.test(spelling.charAt(i + 1))) i++;
    } else if (char === '.' && between && /[\p{L}\p{N}]/u.test(spelling.charAt(i - 1))) {
      body += '(?:\\.|[\\s\\-]{1,2})?';
    } else if (char === '/' && between) {
      body += '\\s{0,2}[/&\\-]?\\s{0,2}';
    } else {
      body += letterPattern(char);
    }
  }
  return body;
}

function compileName(written: string): SkillName {
  const strictness: NameStrictness = written.startsWith('=') ? 'listed' : written.startsWith('!') ? 'cased' : 'any-case';
  const display = strictness === 'any-case' ? written : written.slice(1);
  const after = strictness === 'listed' ? AFTER_LISTED : AFTER;
  // A plural s for names that end in a letter and are longer than one (APIs, PODs, databases).
  const plural = strictness !== 'listed' && /\p{L}$/u.test(display) && display.length > 1 ? 's?' : '';
  // Sticky: a pattern is only tried where one of the text's words starts as the name does.
  const wrap = (body: string, flags: string) => new RegExp(`(?:${body})${plural}${after}`, flags);
  const lower = lowerSameLength(display);
  const spellings = [...new Set([display, display.toUpperCase()])];
  return {
    display,
    strictness,
    prefix: withoutAccents(/[\p{L}\p{N}]+/u.exec(lower)?.[0] ?? '').slice(0, PREFIX_LENGTH),
    symbolFirst: !/^[\p{L}\p{N}]/u.test(display),
    exact: strictness === 'any-case' ? undefined : wrap(spellings.map(spellingPattern).join('|'), 'y'),
    folded: wrap(spellingPattern(lower), 'y'),
  };
}

/** A skill from one line of the vocabulary notation (`Name|Other name|!Cased|=Listed`). */
export function compileSkill(line: string): Skill {
  const names = line.split('|').map(compileName);
  return { id: skillKey(names[0]?.display ?? line), names };
}

/** The key a written name is looked up by: letters and digits only, no accents, lower case. */
export function skillKey(name: string): string {
  return lowerSameLength(name.normalize('NFKD').replace(/\p{M}/gu, '')).replace(/[^\p{L}\p{N}+#]/gu, '');
}

const PREFIX_LENGTH = 3;
const withoutAccents = (word: string) => word.normalize('NFD').replace(/\p{M}/gu, '');

/** Prepares a text for `findSkills`: its lower-cased copy and where its words start. */
export function prepareText(text: string): PreparedText {
  const lowered = lowerSameLength(text);
  const wordStarts = new Map<string, number[]>();
  for (const word of lowered.matchAll(/[\p{L}\p{N}]+/gu)) {
    const plain = withoutAccents(word[0].slice(0, PREFIX_LENGTH + 1));
    for (let length = 1; length <= Math.min(PREFIX_LENGTH, plain.length); length++) {
      const key = plain.slice(0, length);
      const starts = wordStarts.get(key);
      if (starts) starts.push(word.index);
      else wordStarts.set(key, [word.index]);
    }
  }
  return { text, lowered, wordStarts };
}

// What stands between two items of one list: a separator or a list's "and"/"or", on one line.
const BETWEEN_ITEMS = /^[^\S\n]{0,3}(?:[,;/|&]|and|or|y|o)[^\S\n]{0,3}$/;

/** Whether two matches, in this order, are neighbours in a list ("C, C++", "Python and R"). */
function listedTogether(text: string, first: SkillMatch | undefined, second: SkillMatch | undefined): boolean {
  return first !== undefined && second !== undefined && BETWEEN_ITEMS.test(text.slice(first.end, second.index));
}

/** Whether a word of the text starts as one of the skill's names does: without one, the skill is not there. */
export function mayName(prepared: PreparedText, skill: Skill): boolean {
  return skill.names.some((name) => prepared.wordStarts.has(name.prefix));
}

/**
 * Finds where the skills are named in a text, in order, without overlaps (the longer name wins:
 * "Django REST Framework" over "Django"). In a listed text (a CV's skills) every name counts in any
 * case but single letters, which keep their capitals; in prose, cased names count only with their
 * capitals, and single letters only with theirs and listed beside another skill.
 */
export function findSkills(prepared: PreparedText, skills: readonly Skill[], listed: boolean): SkillMatch[] {
  const found: SkillMatch[] = [];
  for (const skill of skills) {
    for (const name of skill.names) {
      const starts = prepared.wordStarts.get(name.prefix);
      if (!starts) continue;
      // Even in a list of skills a single letter keeps its capital: "go" in a skill's sentence is a verb.
      const useExact = name.exact !== undefined && (!listed || name.strictness === 'listed');
      const pattern = useExact && name.exact ? name.exact : name.folded;
      const target = useExact ? prepared.text : prepared.lowered;
      for (const wordStart of starts) {
        const start = name.symbolFirst ? wordStart - 1 : wordStart;
        const previous = start > 0 ? prepared.text.charAt(start - 1) : '';
        if (name.symbolFirst ? start < 0 || NOT_BEFORE_SYMBOL.test(previous) : !mayStartAfter(prepared.text, start, name.strictness)) continue;
        pattern.lastIndex = start;
        const match = pattern.exec(target);
        if (!match) continue;
        const end = match.index + match[0].length;
        found.push({ skill, display: name.display, strictness: name.strictness, index: match.index, end });
      }
    }
  }
  found.sort((a, b) => a.index - b.index || b.end - a.end);
  const kept: SkillMatch[] = [];
  let reached = 0;
  for (const match of found) {
    if (match.index < reached) continue;
    kept.push(match);
    reached = match.end;
  }
  return listed ? kept : withListedLettersInLists(prepared.text, kept);
}

/**
 * In prose a single letter counts only in a list that holds another skill: "C, C++", "Python and R",
 * "Go, Rust, C and R" (a chain of letters hangs on its other skills), but not "grade C; Go, team".
 */
function withListedLettersInLists(text: string, matches: SkillMatch[]): SkillMatch[] {
  const accepted = matches.map((match) => match.strictness !== 'listed');
  for (let changed = true; changed; ) {
    changed = false;
    matches.forEach((match, k) => {
      if (accepted[k]) return;
      const besideAccepted = (accepted[k - 1] === true && listedTogether(text, matches[k - 1], match)) || (accepted[k + 1] === true && listedTogether(text, match, matches[k + 1]));
      if (besideAccepted) accepted[k] = changed = true;
    });
  }
  return matches.filter((_, k) => accepted[k]);
}

/** The vocabulary, compiled once. */
export const vocabularySkills: readonly Skill[] = skillVocabulary.map(compileSkill);

// V8 compiles a pattern on its first use, and again to machine code on its second, for texts of
// Latin-1 and for wider texts separately: run each so now, so that the first analyses do not pay for
// hundreds of compilations in the middle of a request.
const vocabularyText = vocabularySkills.flatMap((skill) => skill.names.map((name) => name.display)).join(', ');
for (const warmUp of [prepareText(vocabularyText), prepareText(`${vocabularyText} • ’`)]) {
  for (let run = 0; run < 2; run++) findSkills(warmUp, vocabularySkills, false);
}

const skillsByKey = new Map<string, Skill>();
for (const skill of vocabularySkills) {
  for (const name of skill.names) {
    const key = skillKey(name.display);
    if (!skillsByKey.has(key)) skillsByKey.set(key, skill);
  }
}

const MAX_MADE_SKILLS = 1000;
const madeSkills = new Map<string, Skill>();

/** The vocabulary's skill a written keyword names ("NodeJS", "node.js", "APIs"), if any. */
export function vocabularySkill(keyword: string): Skill | undefined {
  const key = skillKey(keyword);
  return skillsByKey.get(key) ?? (key.endsWith('s') ? skillsByKey.get(key.slice(0, -1)) : undefined);
}

/**
 * The skill a keyword stands for: the vocabulary's, or one made for a keyword the vocabulary lacks
 * (an acronym or a product read from the advert). Short words with capitals keep their capitals.
 */
export function skillFor(keyword: string): Skill {
  const known = vocabularySkill(keyword) ?? madeSkills.get(keyword);
  if (known) return known;
  const trimmed = keyword.trim();
  const marker = /\p{Lu}/u.test(trimmed) && trimmed.length <= 4 ? (trimmed.length <= 1 ? '=' : '!') : '';
  const made = compileSkill(marker + trimmed.replace(/[|=!]/g, ' '));
  // The same advert's keywords come back for each analysis and improvement: compile them once, within bounds.
  if (madeSkills.size >= MAX_MADE_SKILLS) madeSkills.clear();
  madeSkills.set(keyword, made);
  return made;
}
