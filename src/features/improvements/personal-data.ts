import type { JsonResume } from '../../resume/json-resume.js';

// Contact details, addresses, dates of birth and personal URLs never reach a language model: they are
// replaced by placeholders such as [EMAIL_1] before the CV, the job advert and the person's request
// leave the process, and put back in what comes back. The model needs none of them to rewrite a CV.

export type PlaceholderKind = 'EMAIL' | 'PHONE' | 'ADDRESS' | 'POSTAL_CODE' | 'BIRTH_DATE' | 'URL' | 'USERNAME';

/** A CV and texts with personal data replaced by placeholders, and how to put the data back. */
export interface Redaction {
  resume: JsonResume;
  texts: Record<string, string>;
  /** The improved CV with every placeholder replaced by its value and the source's contact details put back. */
  restore(improved: JsonResume): JsonResume;
  /** A text with every placeholder replaced by its value. */
  restoreText(text: string): string;
  /** How many distinct personal values were replaced. */
  found: number;
}

export const EMAIL_PATTERN = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

// Bare domains (johndoe.me, linkedin.com/in/x) count only in lower case and with a common top-level
// domain, so that Node.js, ASP.NET or a sentence's full stop are not taken for addresses.
const TOP_LEVEL_DOMAINS =
  'com|org|net|io|dev|me|co|ai|app|info|biz|eu|uk|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pl|pt|ie|in|jp|cn|kr|br|au|ca|us|xyz|tech|site|online|page|blog|design|studio|cv|ly|gl|gg|so|tv|edu|gov';
// A path may hold balanced parentheses (Wikipedia's Silicon_Valley_(TV_series)); other brackets end it.
const URL_PATH_CHARS = `(?:[^\\s<>"'()\\[\\]{}]|\\([^\\s<>"'()]*\\))`;
export const URL_PATTERN = new RegExp(
  `(?:\\b(?:https?:\\/\\/|www\\.)${URL_PATH_CHARS}+)|(?<![@\\p{L}\\p{N}._\\/-])(?:[a-z0-9][a-z0-9-]*\\.)+(?:${TOP_LEVEL_DOMAINS})(?![\\p{L}\\p{N}-])(?:\\/${URL_PATH_CHARS}*)?`,
  'gu',
);
// Library and framework names that look like domains: skills, not addresses.
const NOT_URLS = new Set(['socket.io', 'asp.net', 'ado.net', 'vb.net', 'chart.io']);
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;

/** Every URL written in a text, as written (trailing punctuation left out). */
export function findUrls(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    if (url.length > 0 && !NOT_URLS.has(url.toLowerCase())) found.push(url);
  }
  return found;
}

const PHONE_CANDIDATE = /(?<![\p{L}\p{N}_.,/+-])(?:\+|00)?(?:\(\+?\d{1,4}\)|\d)[\d \u00a0()./-]{5,}\d(?![\p{L}\p{N}%])/gu;
const YEAR = /^(?:19|20)\d\d$/;
const THOUSANDS = /^\d{1,3}(?:[ .\u00a0]\d{3})+$/;

/**
 * Whether a run of digits and separators is a phone number rather than a date, a range of years, an
 * amount, a version or an IP address: 7 to 15 digits; an international prefix settles it; otherwise
 * no group of one digit after the first, no year-like group, and no thousands grouping.
 */
export function looksLikePhone(candidate: string, textBefore = ''): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  if (/[$€£¥₹]\s?$/u.test(textBefore)) return false;
  if (/^(?:\+|00|\(\+)/.test(candidate)) return true;
  const groups = candidate.split(/\D+/).filter((group) => group !== '');
  if (groups.length === 1) return digits.length >= 10;
  if (groups.some((group, index) => index > 0 && group.length < 2)) return false;
  if (!candidate.startsWith('(') && groups.some((group) => YEAR.test(group))) return false;
  return !THOUSANDS.test(candidate.trim());
}

/** Every phone number written in a text, as written. */
export function findPhones(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(PHONE_CANDIDATE)) {
    const candidate = match[0].trim();
    if (looksLikePhone(candidate, text.slice(Math.max(0, match.index - 2), match.index))) found.push(candidate);
  }
  return found;
}

// The words that announce a date of birth, in the languages CVs here are written in; the date may
// follow as digits (12.03.1990, 1990-03-12), with a month name (12 March 1990, March 12, 1990,
// 12 de marzo de 1990, 3 mars 1985) or as a year alone.
const BIRTH_WORDS = [
  'date\\s+of\\s+birth',
  'birth\\s*date',
  'birthday',
  'd\\.?\\s?o\\.?\\s?b\\.?',
  'born(?:\\s+(?:on|in))?',
  'geburtsdatum',
  'geboren(?:\\s+(?:am|im))?',
  'n[ée]e?\\s+le',
  'date\\s+de\\s+naissance',
  'fecha\\s+de\\s+nacimiento',
  'nacid[oa]\\s+(?:el|en)',
  'data\\s+di\\s+nascita',
  'nat[oa]\\s+il',
].join('|');
const BIRTH_DATE_VALUE = [
  '\\d{1,2}[./-]\\d{1,2}[./-]\\d{2,4}',
  '\\d{4}[./-]\\d{1,2}[./-]\\d{1,2}',
  "\\d{1,2}(?:st|nd|rd|th|er)?\\.?\\s+(?:de\\s+)?\\p{L}{3,}\\.?,?\\s+(?:de\\s+)?\\d{4}",
  '\\p{L}{3,}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}',
  '\\p{L}{3,}\\s+\\d{4}',
  '(?:19|20)\\d\\d',
].join('|');
const BIRTH_DATE = new RegExp(`(?<![\\p{L}])((?:${BIRTH_WORDS})\\s*[:：-]?\\s*)(${BIRTH_DATE_VALUE})(?![\\p{N}])`, 'giu');

const STREET_ADDRESSES = [
  // 2712 Broadway St, 10 Downing Street
  /\b\d{1,5}[A-Za-z]?\s+(?:\p{Lu}[\p{L}'.-]*\s+){1,4}(?:Street|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|Close|Crescent|Square|Sq|Highway|Hwy|Parkway|Pkwy)\b\.?/gu,
  // Hauptstraße 5, Kirchweg 12a
  /(?<![\p{L}])\p{Lu}[\p{L}-]*(?:straße|strasse|str\.|weg|gasse|allee|platz|damm)\s+\d{1,4}[a-z]?\b/gu,
  // 12 rue de Rivoli, 3 bis avenue Foch
  /\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|boulevard|bd|place|chemin|allée|impasse|quai)\s+(?:[\p{L}'-]+\s?){1,5}/giu,
  // Calle Mayor 5, Avenida de América 10
  /(?<![\p{L}])(?:Calle|Avenida|Avda\.|Paseo|Plaza)\s+(?:[\p{L}'.-]+\s){0,4}\d{1,4}\b/gu,
];

const PLACEHOLDER = /\[\s*(EMAIL|PHONE|ADDRESS|POSTAL_CODE|BIRTH_DATE|URL|USERNAME)_(\d+)\s*\]/gi;
const BIRTH_KEY = /birth|dob|geburt|naissance|nacimiento/i;
// Shorter literal values are too likely to be ordinary words or numbers to replace in running text.
const MIN_USERNAME_IN_TEXT = 4;
const MIN_POSTAL_CODE_IN_TEXT = 5;

/** Placeholders handed out so far: one per distinct value, numbered per kind in the order found. */
class PlaceholderTable {
  private readonly byKey = new Map<string, string>();
  private readonly values = new Map<string, string>();
  private readonly counters = new Map<PlaceholderKind, number>();

  constructor(private readonly alreadyWritten: string) {}

  get size(): number {
    return this.values.size;
  }

  placeholderFor(kind: PlaceholderKind, value: string): string {
    const key = `${kind}\u0000${kind === 'EMAIL' ? value.toLowerCase() : value}`;
    const known = this.byKey.get(key);
    if (known) return known;
    let counter = this.counters.get(kind) ?? 0;
    let placeholder: string;
    // A placeholder the input already shows (typed by the person, say) is skipped, so restoring cannot turn their text into someone's data.
    do {
      counter += 1;
      placeholder = `[${kind}_${counter}]`;
    } while (this.alreadyWritten.includes(placeholder));
    this.counters.set(kind, counter);
    this.byKey.set(key, placeholder);
    this.values.set(placeholder, value);
    return placeholder;
  }

  valueOf(placeholder: string): string | undefined {
    return this.values.get(placeholder);
  }
}

interface KnownValue {
  kind: PlaceholderKind;
  value: string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A pattern for a literal value that does not start or end inside a longer word or number. */
function literalPattern(value: string, caseInsensitive: boolean): RegExp {
  const start = /^[\p{L}\p{N}]/u.test(value) ? '(?<![\\p{L}\\p{N}])' : '';
  const end = /[\p{L}\p{N}]$/u.test(value) ? '(?![\\p{L}\\p{N}])' : '';
  return new RegExp(`${start}${escapeRegExp(value)}${end}`, caseInsensitive ? 'giu' : 'gu');
}

/** Replaces personal data in one text: the CV's own contact values, and anything else that looks like personal data. */
function redactText(text: string, table: PlaceholderTable, known: KnownValue[]): string {
  let result = text;
  const replaceKnown = (kinds: PlaceholderKind[]) => {
    for (const { kind, value } of known) {
      if (!kinds.includes(kind)) continue;
      result = result.replace(literalPattern(value, kind === 'EMAIL' || kind === 'URL'), (match) => table.placeholderFor(kind, match));
    }
  };
  replaceKnown(['EMAIL', 'URL', 'PHONE']);
  result = result.replace(EMAIL_PATTERN, (match) => table.placeholderFor('EMAIL', match));
  result = result.replace(URL_PATTERN, (match) => {
    const url = match.replace(TRAILING_PUNCTUATION, '');
    if (url === '' || NOT_URLS.has(url.toLowerCase())) return match;
    return table.placeholderFor('URL', url) + match.slice(url.length);
  });
  // Addresses and user names after whole e-mail addresses and URLs, which may contain them.
  replaceKnown(['ADDRESS', 'POSTAL_CODE', 'USERNAME']);
  result = result.replace(BIRTH_DATE, (_match, announcement: string, date: string) => announcement + table.placeholderFor('BIRTH_DATE', date));
  for (const pattern of STREET_ADDRESSES) {
    result = result.replace(pattern, (match) => {
      const address = match.trimEnd();
      return table.placeholderFor('ADDRESS', address) + match.slice(address.length);
    });
  }
  result = result.replace(PHONE_CANDIDATE, (match, offset: number, whole: string) => {
    const phone = match.trim();
    if (!looksLikePhone(phone, whole.slice(Math.max(0, offset - 2), offset))) return match;
    return match.replace(phone, table.placeholderFor('PHONE', phone));
  });
  return result;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A copy of a JSON value with every string passed through `change` (which also sees the property name). */
function mapStrings(value: Json, change: (text: string, key: string | undefined) => string, key?: string): Json {
  if (typeof value === 'string') return change(value, key);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, change, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, mapStrings(item, change, name)]));
  }
  return value;
}

const nonEmpty = (text: string | undefined): text is string => typeof text === 'string' && text.trim() !== '';

/** The source's own contact values, longest first so that a URL is replaced before the domain inside it. */
function knownValues(resume: JsonResume): KnownValue[] {
  const basics = resume.basics ?? {};
  const values: KnownValue[] = [];
  const add = (kind: PlaceholderKind, value: string | undefined, minLength = 1) => {
    if (nonEmpty(value) && value.trim().length >= minLength) values.push({ kind, value: value.trim() });
  };
  add('EMAIL', basics.email);
  add('PHONE', basics.phone);
  add('URL', basics.url);
  add('ADDRESS', basics.location?.address);
  add('POSTAL_CODE', basics.location?.postalCode, MIN_POSTAL_CODE_IN_TEXT);
  for (const profile of basics.profiles ?? []) {
    add('URL', profile.url);
    add('USERNAME', profile.username, MIN_USERNAME_IN_TEXT);
  }
  return values.sort((a, b) => b.value.length - a.value.length);
}

/** The basics the provider sees: contact fields as placeholders, the photo left out. */
function redactBasics(basics: NonNullable<JsonResume['basics']>, table: PlaceholderTable): NonNullable<JsonResume['basics']> {
  const copy: NonNullable<JsonResume['basics']> = { ...basics };
  delete copy.image;
  const swap = (kind: PlaceholderKind, value: string | undefined) => (nonEmpty(value) ? table.placeholderFor(kind, value.trim()) : value);
  if (nonEmpty(basics.email)) copy.email = swap('EMAIL', basics.email);
  if (nonEmpty(basics.phone)) copy.phone = swap('PHONE', basics.phone);
  if (nonEmpty(basics.url)) copy.url = swap('URL', basics.url);
  if (basics.location) {
    copy.location = { ...basics.location };
    if (nonEmpty(basics.location.address)) copy.location.address = swap('ADDRESS', basics.location.address);
    if (nonEmpty(basics.location.postalCode)) copy.location.postalCode = swap('POSTAL_CODE', basics.location.postalCode);
  }
  if (basics.profiles) {
    copy.profiles = basics.profiles.map((profile) => ({
      ...profile,
      ...(nonEmpty(profile.url) ? { url: swap('URL', profile.url) } : {}),
      ...(nonEmpty(profile.username) ? { username: swap('USERNAME', profile.username) } : {}),
    }));
  }
  return copy;
}

// The parts of a CV the model is never asked to write: put back from the source as they were.
const CONTACT_FIELDS = ['name', 'email', 'phone', 'url', 'image', 'location', 'profiles'] as const;
const SECTIONS_KEPT_FROM_SOURCE = ['references'] as const;

/**
 * Replaces e-mail addresses, phone numbers, street addresses, dates of birth and personal URLs in a
 * CV and in accompanying texts by stable placeholders ([EMAIL_1], [PHONE_1]…), the same value by the
 * same placeholder everywhere; `restore` puts the values back.
 */
export function redactPersonalData(resume: JsonResume, texts: Record<string, string>): Redaction {
  const allText = JSON.stringify(resume) + JSON.stringify(texts);
  const table = new PlaceholderTable(allText);
  const known = knownValues(resume);

  const withBasics: JsonResume = resume.basics ? { ...resume, basics: redactBasics(resume.basics, table) } : { ...resume };
  const redactedResume = mapStrings(withBasics, (text, key) => {
    if (/^\[[A-Z_]+_\d+\]$/.test(text)) return text;
    if (key !== undefined && BIRTH_KEY.test(key) && nonEmpty(text)) return table.placeholderFor('BIRTH_DATE', text.trim());
    return redactText(text, table, known);
  }) as JsonResume;
  const redactedTexts = Object.fromEntries(Object.entries(texts).map(([name, text]) => [name, redactText(text, table, known)]));

  const restoreText = (text: string): string => {
    let removedUnknown = false;
    const restored = text.replace(PLACEHOLDER, (_match, kind: string, index: string) => {
      const value = table.valueOf(`[${kind.toUpperCase()}_${index}]`);
      if (value !== undefined) return value;
      // A placeholder the model made up stands for nothing: it is left out rather than shown.
      removedUnknown = true;
      return '';
    });
    return removedUnknown ? restored.replace(/[ \t]{2,}/g, ' ').trim() : restored;
  };

  const restore = (improved: JsonResume): JsonResume => {
    const restored = dropEmptied(mapStrings(improved, (text) => restoreText(text)), improved) as JsonResume;
    return putBackFromSource(restored, resume);
  };

  return { resume: redactedResume, texts: redactedTexts, restore, restoreText, found: table.size };
}

/** Drops strings that restoring emptied (they held only a made-up placeholder), in objects and lists. */
function dropEmptied(value: Json, before: Json): Json {
  if (Array.isArray(value) && Array.isArray(before)) {
    return value.flatMap((item, index) => (item === '' && before[index] !== '' ? [] : [dropEmptied(item, before[index] ?? null)]));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && before !== null && typeof before === 'object' && !Array.isArray(before)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([name, item]) => !(item === '' && before[name] !== ''))
        .map(([name, item]) => [name, dropEmptied(item, before[name] ?? null)]),
    );
  }
  return value;
}

/** The source's name and contact details, and the sections the model is not asked to write, whatever the model did with them. */
function putBackFromSource(improved: JsonResume, source: JsonResume): JsonResume {
  const result: JsonResume = { ...improved };
  const sourceBasics = source.basics ?? {};
  if (improved.basics || source.basics) {
    const basics: NonNullable<JsonResume['basics']> = { ...(improved.basics ?? {}) };
    for (const field of CONTACT_FIELDS) {
      if (sourceBasics[field] === undefined) delete basics[field];
      else Object.assign(basics, { [field]: structuredClone(sourceBasics[field]) });
    }
    if (Object.keys(basics).length > 0) result.basics = basics;
    else delete result.basics;
  }
  for (const section of SECTIONS_KEPT_FROM_SOURCE) {
    if (result[section] === undefined && source[section] !== undefined) result[section] = structuredClone(source[section]);
  }
  return result;
}
