import type { JsonResume } from '../../resume/json-resume.js';
import { resumeWithoutPlantedInstructions, withoutPlantedInstructions } from './planted-instructions.js';
import type { Fabrication } from '../analysis/schema.js';
import { EMAIL_PATTERN, findUrls } from './personal-data.js';

// An improved CV may say things better, never say more. Every employer, job title, school, degree,
// date, number, certification, URL and skill it shows must be found in the source CV or in what the
// person wrote in the questionnaire; anything else is put back to the source's value, or removed
// when the source has nothing to put back, and listed as a fabrication. The check is deterministic
// and errs on the side of the source: a fact it cannot find is reverted.

export interface TruthEvidence {
  /** What the person wrote about themselves (their request): it counts as evidence next to the CV. The advert and the target position do not: they describe the job, not the person. */
  questionnaireText: string;
  /** The advert's keywords the source CV does not show. */
  keywordsMissing: string[];
}

/** The kinds of fact the check knows: those of the analysis schema's `Fabrication`. */
export type FabricationKind = Fabrication['kind'];

export interface TruthfulResume {
  resume: JsonResume;
  fabrications: Fabrication[];
  /** The advert's keywords the CV has no evidence for, in the advert's order. */
  gaps: string[];
}

type Entry = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Names: titles, employers, schools, degrees and certifications compare as sets of words, with
// common abbreviations written out, so "Sr. Software Eng." is "Senior Software Engineer" and
// "CEO/President" is "President & CEO"; a word added or taken away is a different name.

const EXPANSIONS: Record<string, string> = {
  sr: 'senior', snr: 'senior', jr: 'junior', jnr: 'junior', mgr: 'manager', mngr: 'manager', eng: 'engineer', engr: 'engineer',
  dev: 'developer', asst: 'assistant', assoc: 'associate', dir: 'director', admin: 'administrator', coord: 'coordinator',
  exec: 'executive', tech: 'technical', ops: 'operations', mgmt: 'management', intl: 'international', univ: 'university',
  uni: 'university', inst: 'institute', dept: 'department', swe: 'software engineer', sde: 'software development engineer',
  vp: 'vice president', svp: 'senior vice president', evp: 'executive vice president', avp: 'assistant vice president',
  ceo: 'chief executive officer', cto: 'chief technology officer', cfo: 'chief financial officer', coo: 'chief operating officer',
  cio: 'chief information officer', cmo: 'chief marketing officer', cpo: 'chief product officer', hr: 'human resources',
  qa: 'quality assurance', ux: 'user experience', ui: 'user interface',
  bsc: 'bachelor science', bs: 'bachelor science', ba: 'bachelor arts', beng: 'bachelor engineering', btech: 'bachelor technology',
  msc: 'master science', ms: 'master science', ma: 'master arts', meng: 'master engineering', mtech: 'master technology',
  mba: 'master business administration', phd: 'doctor philosophy', dphil: 'doctor philosophy', bachelors: 'bachelor',
  masters: 'master', ii: '2', iii: '3', iv: '4',
};
const NAME_STOP_WORDS = new Set(['of', 'in', 'the', 'and', 'at', 'for', 'a', 'an', 'on', 'with', '&']);
const LEGAL_FORMS = new Set([
  'inc', 'incorporated', 'llc', 'ltd', 'limited', 'gmbh', 'corp', 'corporation', 'co', 'company', 'plc', 'sa', 'ag', 'bv', 'srl',
  'pty', 'llp', 'lp', 'sas', 'sarl', 'nv', 'kg', 'oy', 'ab',
]);

type NameStyle = 'title' | 'organisation';

/** The words of a name, abbreviations written out; an organisation's legal form (Inc., GmbH) left out. */
function nameWords(text: string, style: NameStyle = 'title'): string[] {
  const folded = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    .replace(/(?<=\p{L})\.(?=\p{L})/gu, '');
  const words: string[] = [];
  for (const token of folded.match(/[\p{L}\p{N}+#&]+/gu) ?? []) {
    for (const word of (EXPANSIONS[token] ?? token).split(' ')) {
      if (NAME_STOP_WORDS.has(word) || (style === 'organisation' && LEGAL_FORMS.has(word))) continue;
      words.push(word);
    }
  }
  return words;
}

/** Whether two names are the same: the same set of words, or the same letters once spaces and punctuation go. */
function sameName(a: string, b: string, style: NameStyle = 'title'): boolean {
  const wordsA = nameWords(a, style);
  const wordsB = nameWords(b, style);
  if (wordsA.length === 0 || wordsB.length === 0) return wordsA.length === wordsB.length && a.trim().toLowerCase() === b.trim().toLowerCase();
  if (wordsA.join('') === wordsB.join('')) return true;
  const setA = new Set(wordsA);
  const setB = new Set(wordsB);
  return setA.size === setB.size && [...setA].every((word) => setB.has(word));
}

/** Whether a list of words occurs, in order and whole, in a longer one. */
function containsWords(haystack: string[], needle: string[]): boolean {
  if (needle.length === 0) return false;
  outer: for (let start = 0; start + needle.length <= haystack.length; start += 1) {
    for (let offset = 0; offset < needle.length; offset += 1) if (haystack[start + offset] !== needle[offset]) continue outer;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Skills compare by their letters aligned on word boundaries (Node.js = NodeJS = Node JS, but Java
// is not JavaScript), with a plural s ignored and a few common aliases.

const TERM_ALIASES: Record<string, string> = { k8s: 'kubernetes', postgres: 'postgresql', golang: 'go' };

function termTokens(text: string): string[] {
  return (text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}+#]+/gu) ?? []).map((token) => TERM_ALIASES[token] ?? token);
}

/** A term without its plural s (APIs = API), once its words are joined. */
const singular = (joined: string) => (joined.length > 3 && joined.endsWith('s') && !joined.endsWith('ss') ? joined.slice(0, -1) : joined);

/** Whether the words of a term occur in a text's words, letters aligned on word boundaries. */
function containsTerm(haystack: string[], term: string): boolean {
  const target = termTokens(term).join('');
  if (target === '') return false;
  const wanted = singular(target);
  for (let start = 0; start < haystack.length; start += 1) {
    let joined = '';
    for (let end = start; end < haystack.length && joined.length < target.length + 1; end += 1) {
      joined += haystack[end];
      if (singular(joined) === wanted) return true;
      if (!target.startsWith(joined)) break;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Numbers: every number in a text, read as a value with its multiplier (k, M, million…) so that
// "$2M" = "2 million" = "2,000,000", and percentages apart, so "35%" needs a 35% (or 35 percent)
// in the source while a bare 35 may stand for a source's 35%. Thousands separators are read both
// ways in the source (1.200 may be 1200 or 1.2) and the usual way in the improved text.

const NUMBER_TOKEN =
  /(?<![\p{L}\p{N}_.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)(?:\s?(%|percent\b|per\s?cent\b|pct\b|thousand\b|millions?\b|billions?\b|mio\b|mrd\b|bn\b|mn\b|mm\b|k\b|m\b|b\b))?/giu;
const NUMBER_WORDS: Record<string, number> = {
  two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, thirteen: 13,
  fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20, thirty: 30, forty: 40,
  fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const NUMBER_WORD = new RegExp(`(?<!\\p{L})(${Object.keys(NUMBER_WORDS).join('|')})(?!\\p{L})`, 'giu');
const PLACEHOLDER_TEXT = /\[[A-Z_]+_\d+\]/g;

function multiplierOf(unit: string): number {
  if (/^(k|thousand)$/.test(unit)) return 1e3;
  if (/^(m|mm|mn|mio|millions?)$/.test(unit)) return 1e6;
  if (/^(b|bn|mrd|billions?)$/.test(unit)) return 1e9;
  return 1;
}

interface NumberToken {
  written: string;
  /** The readings of the number, as keys: "1200", "%35". */
  readings: string[];
}

const numberKey = (value: number, percent: boolean) => `${percent ? '%' : ''}${Number(value.toPrecision(12))}`;

/** The numbers written in a text; `asSource` adds every reading an ambiguous separator allows. */
function findNumbers(text: string, asSource: boolean): NumberToken[] {
  let plain = text.replace(EMAIL_PATTERN, ' ').replace(PLACEHOLDER_TEXT, ' ');
  for (const url of findUrls(plain)) plain = plain.replace(url, ' ');
  const tokens: NumberToken[] = [];
  for (const match of plain.matchAll(NUMBER_TOKEN)) {
    const digits = match[1] ?? '';
    const unit = (match[2] ?? '').toLowerCase().replace(/\s/g, '');
    const percent = unit === '%' || unit.startsWith('per') || unit === 'pct';
    const multiplier = percent ? 1 : multiplierOf(unit);
    const values = new Set<number>();
    if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(digits)) {
      values.add(Number(digits.replace(/,/g, '')));
      if (asSource && /^\d{1,3},\d{3}$/.test(digits)) values.add(Number(digits.replace(',', '.')));
    } else if (/^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(digits)) {
      values.add(Number(digits.replace(/\./g, '').replace(',', '.')));
      if (asSource && /^\d{1,3}\.\d{3}$/.test(digits)) values.add(Number(digits));
    } else {
      values.add(Number(digits.replace(',', '.')));
    }
    const readings = [...values].flatMap((value) => {
      const keys = [numberKey(value * multiplier, percent)];
      if (asSource && percent) keys.push(numberKey(value, false));
      return keys;
    });
    tokens.push({ written: match[0].trim(), readings });
  }
  for (const match of plain.matchAll(NUMBER_WORD)) {
    tokens.push({ written: match[0], readings: [numberKey(NUMBER_WORDS[match[0].toLowerCase()] ?? 0, false)] });
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Dates: a date field is evidenced by the same date, or a more precise one it shortens (2019-03
// for 2019-03-01), among the source's dates, written as JSON Resume dates or in its text.

const MONTHS: Record<string, number> = {};
[
  ['january', 'jan', 'januar', 'janvier', 'enero', 'gennaio', 'jänner'],
  ['february', 'feb', 'februar', 'février', 'fevrier', 'febrero', 'febbraio'],
  ['march', 'mar', 'märz', 'maerz', 'mars', 'marzo'],
  ['april', 'apr', 'avril', 'abril', 'aprile'],
  ['may', 'mai', 'mayo', 'maggio'],
  ['june', 'jun', 'juni', 'juin', 'junio', 'giugno'],
  ['july', 'jul', 'juli', 'juillet', 'julio', 'luglio'],
  ['august', 'aug', 'août', 'aout', 'agosto'],
  ['september', 'sep', 'sept', 'septembre', 'septiembre', 'settembre'],
  ['october', 'oct', 'oktober', 'octobre', 'octubre', 'ottobre', 'okt'],
  ['november', 'nov', 'novembre', 'noviembre'],
  ['december', 'dec', 'dezember', 'décembre', 'decembre', 'diciembre', 'dicembre', 'dez'],
].forEach((names, index) => names.forEach((name) => (MONTHS[name] = index + 1)));
const MONTH_NAMES = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');
const ISO_DATE_IN_TEXT = /(?<!\d)((?:19|20)\d\d)-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?(?!\d)/g;
const MONTH_YEAR_DIGITS = /(?<!\d)(0?[1-9]|1[0-2])[/.](\d{4})(?!\d)/g;
const DAY_MONTH_YEAR = new RegExp(`(?<!\\d)(\\d{1,2})\\.?\\s+(?:de\\s+)?(${MONTH_NAMES})\\.?,?\\s+(?:de\\s+)?(\\d{4})(?!\\d)`, 'giu');
const MONTH_YEAR_WORDS = new RegExp(`(?<!\\p{L})(${MONTH_NAMES})\\.?,?\\s+(?:\\d{1,2}(?:st|nd|rd|th)?,?\\s+)?(\\d{4})(?!\\d)`, 'giu');
const YEAR_IN_TEXT = /(?<!\d)((?:19|20)\d\d)(?!\d)/g;

const pad = (value: number) => String(value).padStart(2, '0');

/** A date and every shorter form of it: 2019-03-01, 2019-03, 2019. */
function datePrefixes(date: string): string[] {
  const parts = date.split('-');
  return parts.map((_part, index) => parts.slice(0, index + 1).join('-'));
}

function datesInText(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(ISO_DATE_IN_TEXT)) found.push(match[0]);
  for (const match of text.matchAll(MONTH_YEAR_DIGITS)) found.push(`${match[2]}-${pad(Number(match[1]))}`);
  for (const match of text.matchAll(DAY_MONTH_YEAR)) {
    const month = MONTHS[(match[2] ?? '').toLowerCase()];
    if (month) found.push(`${match[3]}-${pad(month)}-${pad(Number(match[1]))}`);
  }
  for (const match of text.matchAll(MONTH_YEAR_WORDS)) {
    const month = MONTHS[(match[1] ?? '').toLowerCase()];
    if (month) found.push(`${match[2]}-${pad(month)}`);
  }
  for (const match of text.matchAll(YEAR_IN_TEXT)) found.push(match[0]);
  return found;
}

// ---------------------------------------------------------------------------------------------
// URLs compare without scheme, "www." and a trailing slash, host and path case-folded.

const canonicalUrl = (url: string) =>
  url
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[/.,;:!?]+$/, '');

// ---------------------------------------------------------------------------------------------

const DATE_KEYS = new Set(['startDate', 'endDate', 'date', 'releaseDate']);
// Contact details are put back from the source by the redaction; their digits are no evidence of a figure.
const CONTACT_KEYS = new Set(['email', 'phone', 'url', 'image', 'profiles', 'address', 'postalCode']);

function collectStrings(value: unknown, visit: (text: string, key: string | undefined, inContact: boolean) => void, key?: string, inContact = false): void {
  if (typeof value === 'string') visit(value, key, inContact);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, visit, key, inContact);
  else if (typeof value === 'object' && value !== null) {
    for (const [name, item] of Object.entries(value)) collectStrings(item, visit, name, inContact || (key === 'basics' && CONTACT_KEYS.has(name)) || name === 'location');
  }
}

// Words of a skill group's label that share this many first letters are taken for one word.
const LABEL_STEM = 6;

const SHORT_TERM_LETTERS = 2;

/** A text with its web and e-mail addresses blanked out. */
function withoutAddresses(text: string): string {
  let result = text.replace(EMAIL_PATTERN, ' ');
  for (const url of findUrls(result)) result = result.split(url).join(' ');
  return result;
}

/** The names and keywords the CV lists as skills (skills, project keywords, interests' keywords). */
function listedSkills(source: JsonResume): string[] {
  const listed: string[] = [];
  for (const skill of source.skills ?? []) listed.push(skill.name ?? '', ...(skill.keywords ?? []));
  for (const project of source.projects ?? []) listed.push(...(project.keywords ?? []));
  return listed.filter((item) => item !== '');
}

/** What the source CV and the questionnaire show, indexed for each kind of fact. */
class Evidence {
  private readonly nameWordsAll: Map<NameStyle, string[]>;
  private readonly nameWordsQuestionnaire: Map<NameStyle, string[]>;
  private readonly terms: string[];
  private readonly termSet: Set<string>;
  /** Skills of one or two letters (R, C, Go) count only where the CV lists skills: in prose they are letters, words or initials. */
  private readonly listedTerms: string[];
  private readonly numbers = new Set<string>();
  private readonly dates = new Set<string>();
  private readonly questionnaireDates = new Set<string>();
  private readonly urls = new Set<string>();

  constructor(source: JsonResume, questionnaireText: string) {
    const texts: string[] = [];
    const termTexts: string[] = [];
    collectStrings(source, (text, key, inContact) => {
      texts.push(text);
      // A skill is not shown by an address: "https://" is no evidence of HTTP, nor "x@r.com" of R.
      if (!inContact) termTexts.push(withoutAddresses(text));
      if (key !== undefined && DATE_KEYS.has(key)) for (const date of datePrefixes(text.trim())) this.dates.add(date);
      for (const date of datesInText(text)) for (const prefix of datePrefixes(date)) this.dates.add(prefix);
      for (const url of findUrls(text)) this.urls.add(canonicalUrl(url));
      if (key === 'url') this.urls.add(canonicalUrl(text));
      if (!inContact) for (const token of findNumbers(text, true)) for (const reading of token.readings) this.numbers.add(reading);
    });
    for (const date of datesInText(questionnaireText)) {
      for (const prefix of datePrefixes(date)) {
        this.dates.add(prefix);
        this.questionnaireDates.add(prefix);
      }
    }
    for (const url of findUrls(questionnaireText)) this.urls.add(canonicalUrl(url));
    for (const token of findNumbers(questionnaireText, true)) for (const reading of token.readings) this.numbers.add(reading);

    const all = [...texts, questionnaireText].join('\n');
    this.nameWordsAll = new Map((['title', 'organisation'] as const).map((style) => [style, nameWords(all, style)]));
    this.nameWordsQuestionnaire = new Map((['title', 'organisation'] as const).map((style) => [style, nameWords(questionnaireText, style)]));
    this.terms = termTokens([...termTexts, withoutAddresses(questionnaireText)].join('\n'));
    this.termSet = new Set(this.terms);
    this.listedTerms = termTokens(listedSkills(source).join('\n'));
  }

  /** A name found in the source CV or the questionnaire (or, with `questionnaireOnly`, in the questionnaire alone). */
  hasName(name: string, style: NameStyle, questionnaireOnly = false): boolean {
    const haystack = (questionnaireOnly ? this.nameWordsQuestionnaire : this.nameWordsAll).get(style) ?? [];
    return containsWords(haystack, nameWords(name, style));
  }

  hasTerm(term: string): boolean {
    const letters = termTokens(term).join('');
    // Latin letters only: two Chinese characters make a whole word.
    const short = letters.length <= SHORT_TERM_LETTERS && /^[a-z0-9+#]*$/i.test(letters);
    return containsTerm(short ? this.listedTerms : this.terms, term);
  }

  /** Every word of a label (a skill group such as "Cloud & DevOps") found somewhere, or a word of the same stem (engineer, engineering). */
  hasEveryWord(label: string): boolean {
    const words = termTokens(label).filter((word) => !NAME_STOP_WORDS.has(word));
    const sameStem = (word: string) =>
      word.length >= LABEL_STEM && [...this.termSet].some((known) => known.length >= LABEL_STEM && (known.startsWith(word) || word.startsWith(known)));
    return words.length > 0 && words.every((word) => this.termSet.has(word) || sameStem(word));
  }

  hasNumber(token: NumberToken): boolean {
    return token.readings.some((reading) => this.numbers.has(reading));
  }

  hasDate(date: string, questionnaireOnly = false): boolean {
    return (questionnaireOnly ? this.questionnaireDates : this.dates).has(date.trim());
  }

  hasUrl(url: string): boolean {
    return this.urls.has(canonicalUrl(url));
  }
}

// ---------------------------------------------------------------------------------------------
// What is checked in each section. The key names an entry (the employer of a job): an entry with no
// counterpart in the source whose key is not evidenced is invented as a whole and removed.

interface NameRule {
  field: string;
  kind: FabricationKind;
  style: NameStyle;
}

interface SectionRules {
  section: 'work' | 'volunteer' | 'education' | 'certificates' | 'awards' | 'publications' | 'projects' | 'interests';
  key?: NameRule;
  names: NameRule[];
  dates: string[];
  urls: string[];
  texts: string[];
  lists: string[];
  /** Lists of skills (a project's technologies): each item needs evidence of its own. */
  terms: string[];
}

const SECTION_RULES: SectionRules[] = [
  {
    section: 'work',
    key: { field: 'name', kind: 'employer', style: 'organisation' },
    names: [{ field: 'position', kind: 'job_title', style: 'title' }],
    dates: ['startDate', 'endDate'],
    urls: ['url'],
    texts: ['location', 'description', 'summary'],
    lists: ['highlights'],
    terms: [],
  },
  {
    section: 'volunteer',
    key: { field: 'organization', kind: 'employer', style: 'organisation' },
    names: [{ field: 'position', kind: 'job_title', style: 'title' }],
    dates: ['startDate', 'endDate'],
    urls: ['url'],
    texts: ['summary'],
    lists: ['highlights'],
    terms: [],
  },
  {
    section: 'education',
    key: { field: 'institution', kind: 'school', style: 'organisation' },
    names: [
      { field: 'studyType', kind: 'degree', style: 'title' },
      { field: 'area', kind: 'degree', style: 'title' },
    ],
    dates: ['startDate', 'endDate'],
    urls: ['url'],
    texts: ['score'],
    lists: ['courses'],
    terms: [],
  },
  // The closed list of kinds has no award or publication: like a certification, each is a credential issued by someone.
  {
    section: 'certificates',
    key: { field: 'name', kind: 'certification', style: 'title' },
    names: [{ field: 'issuer', kind: 'certification', style: 'organisation' }],
    dates: ['date'],
    urls: ['url'],
    texts: [],
    lists: [],
    terms: [],
  },
  {
    section: 'awards',
    key: { field: 'title', kind: 'certification', style: 'title' },
    names: [{ field: 'awarder', kind: 'certification', style: 'organisation' }],
    dates: ['date'],
    urls: [],
    texts: ['summary'],
    lists: [],
    terms: [],
  },
  {
    section: 'publications',
    key: { field: 'name', kind: 'certification', style: 'title' },
    names: [{ field: 'publisher', kind: 'certification', style: 'organisation' }],
    dates: ['releaseDate'],
    urls: ['url'],
    texts: ['summary'],
    lists: [],
    terms: [],
  },
  {
    section: 'projects',
    names: [],
    dates: ['startDate', 'endDate'],
    urls: ['url'],
    texts: ['name', 'description', 'entity', 'type'],
    lists: ['highlights', 'roles'],
    terms: ['keywords'],
  },
  { section: 'interests', names: [], dates: [], urls: [], texts: ['name'], lists: ['keywords'], terms: [] },
];

const stringField = (entry: Entry | undefined, field: string): string | undefined => {
  const value = entry?.[field];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
};
const stringList = (entry: Entry | undefined, field: string): string[] => {
  const value = entry?.[field];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
};
const entriesOf = (resume: JsonResume, section: string): Entry[] => {
  const value = (resume as Record<string, unknown>)[section];
  return Array.isArray(value) ? value.filter((item): item is Entry => typeof item === 'object' && item !== null) : [];
};

function contentWords(text: string): Set<string> {
  return new Set(termTokens(text).filter((word) => word.length > 2 && !NAME_STOP_WORDS.has(word)));
}

function similarity(a: string, b: string): number {
  const wordsA = contentWords(a);
  const wordsB = contentWords(b);
  if (wordsA.size === 0 || wordsB.size === 0) return 0;
  let shared = 0;
  for (const word of wordsA) if (wordsB.has(word)) shared += 1;
  return shared / (wordsA.size + wordsB.size - shared);
}

function entryText(entry: Entry): string {
  const parts: string[] = [];
  collectStrings(entry, (text) => parts.push(text));
  return parts.join(' ');
}

const sameDate = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && (a === b || a.startsWith(`${b}-`) || b.startsWith(`${a}-`));

const MATCH_THRESHOLD = 2.5;

/**
 * Pairs each improved entry with the source entry it rewrites: by how much they share (the key name
 * weighs most, then the other names, the dates and the words), each source entry at most once; an
 * entry left over is paired with the source entry at its own index when both lists are as long.
 */
function matchEntries(improved: Entry[], source: Entry[], rules: Pick<SectionRules, 'key' | 'names' | 'dates'>): (number | undefined)[] {
  const texts = source.map(entryText);
  const pairs: { improved: number; source: number; score: number }[] = [];
  improved.forEach((entry, i) => {
    const text = entryText(entry);
    source.forEach((candidate, s) => {
      let score = 0;
      const same = (rule: NameRule) => {
        const a = stringField(entry, rule.field);
        const b = stringField(candidate, rule.field);
        return a !== undefined && b !== undefined && sameName(a, b, rule.style);
      };
      if (rules.key && same(rules.key)) score += 4;
      for (const rule of rules.names) if (same(rule)) score += 2;
      rules.dates.forEach((field, index) => {
        if (sameDate(stringField(entry, field), stringField(candidate, field))) score += index === 0 ? 2 : 1;
      });
      score += 3 * similarity(text, texts[s] ?? '');
      if (i === s) score += 0.5;
      pairs.push({ improved: i, source: s, score });
    });
  });
  pairs.sort((a, b) => b.score - a.score || Math.abs(a.improved - a.source) - Math.abs(b.improved - b.source));
  const matched: (number | undefined)[] = improved.map(() => undefined);
  const taken = new Set<number>();
  for (const pair of pairs) {
    if (pair.score < MATCH_THRESHOLD || matched[pair.improved] !== undefined || taken.has(pair.source)) continue;
    matched[pair.improved] = pair.source;
    taken.add(pair.source);
  }
  if (improved.length === source.length) {
    matched.forEach((value, i) => {
      if (value === undefined && !taken.has(i)) {
        matched[i] = i;
        taken.add(i);
      }
    });
  }
  return matched;
}

// ---------------------------------------------------------------------------------------------

const pointer = (...parts: (string | number)[]) => `/${parts.map((part) => String(part).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

interface TextProblem {
  kind: FabricationKind;
  value: string;
}

/** The checker's state for one run: the evidence, the forbidden advert keywords, and the fabrications found. */
class TruthChecker {
  readonly fabrications: Fabrication[] = [];
  private readonly forbiddenTerms: string[];
  private readonly forbiddenInText: string[];

  constructor(
    private readonly evidence: Evidence,
    keywordsMissing: string[],
  ) {
    // An advert keyword the CV shows after all (in a form the analysis missed) is no claim.
    this.forbiddenTerms = gapsOf(keywordsMissing).filter((keyword) => !evidence.hasTerm(keyword));
    // Running text is searched for the longer ones only: "Go" or "R" would be found in "go-to-market" or "R&D".
    this.forbiddenInText = this.forbiddenTerms.filter((keyword) => termTokens(keyword).join('').length > 2);
  }

  report(path: string, kind: FabricationKind, value: string, revertedTo: string | null | undefined): void {
    this.fabrications.push({ path, kind, value, reverted_to: revertedTo ?? null });
  }

  /** What a text claims without evidence: figures, URLs, and advert keywords the CV does not show. */
  textProblems(text: string): TextProblem[] {
    const problems: TextProblem[] = [];
    const seen = new Set<string>();
    const add = (kind: FabricationKind, value: string) => {
      if (seen.has(`${kind}:${value}`)) return;
      seen.add(`${kind}:${value}`);
      problems.push({ kind, value });
    };
    for (const url of findUrls(text)) if (!this.evidence.hasUrl(url)) add('url', url);
    for (const token of findNumbers(text, false)) if (!this.evidence.hasNumber(token)) add('number', token.written);
    if (this.forbiddenInText.length > 0) {
      const words = termTokens(text);
      for (const term of this.forbiddenInText) if (containsTerm(words, term)) add('skill', term);
    }
    return problems;
  }

  /** Whether a name is supported: the counterpart's (or one of `alsoAccept`), one the questionnaire gives, or, without a counterpart, one found anywhere. */
  nameSupported(value: string, original: string | undefined, rule: NameRule, alsoAccept: string[] = []): boolean {
    if (original !== undefined && sameName(value, original, rule.style)) return true;
    if (alsoAccept.some((other) => sameName(value, other, rule.style))) return true;
    return this.evidence.hasName(value, rule.style, original !== undefined);
  }

  /** A name checked against its counterpart; reverted to it, or removed without one, when unsupported. */
  checkName(entry: Entry, counterpart: Entry | undefined, rule: NameRule, path: string, alsoAccept: string[] = []): void {
    const value = stringField(entry, rule.field);
    const original = stringField(counterpart, rule.field);
    if (value === undefined || this.nameSupported(value, original, rule, alsoAccept)) return;
    this.report(`${path}/${rule.field}`, rule.kind, value, original);
    if (original !== undefined) entry[rule.field] = original;
    else delete entry[rule.field];
  }

  checkDate(entry: Entry, counterpart: Entry | undefined, field: string, path: string): void {
    const value = stringField(entry, field);
    if (value === undefined) return;
    const original = stringField(counterpart, field);
    const supported =
      original !== undefined ? value === original || original.startsWith(`${value}-`) || this.evidence.hasDate(value, true) : this.evidence.hasDate(value);
    if (supported) return;
    this.report(`${path}/${field}`, 'date', value, original);
    if (original !== undefined) entry[field] = original;
    else delete entry[field];
  }

  checkUrlField(entry: Entry, counterpart: Entry | undefined, field: string, path: string): void {
    const value = stringField(entry, field);
    if (value === undefined || this.evidence.hasUrl(value)) return;
    const original = stringField(counterpart, field);
    this.report(`${path}/${field}`, 'url', value, original);
    if (original !== undefined) entry[field] = original;
    else delete entry[field];
  }

  /** A text field with an unsupported claim goes back to the source's text, or is removed. */
  checkTextField(entry: Entry, counterpart: Entry | undefined, field: string, path: string): void {
    const value = stringField(entry, field);
    if (value === undefined) return;
    const problems = this.textProblems(value);
    if (problems.length === 0) return;
    const original = stringField(counterpart, field);
    for (const problem of problems) this.report(`${path}/${field}`, problem.kind, problem.value, original);
    if (original !== undefined) entry[field] = original;
    else delete entry[field];
  }

  /**
   * A list item (a highlight) with an unsupported claim is replaced by the source item it most
   * resembles, by words and position, unless the list already shows that item; otherwise removed.
   */
  checkTextList(entry: Entry, counterpart: Entry | undefined, field: string, path: string): void {
    if (!Array.isArray(entry[field])) return;
    const items = stringList(entry, field);
    const originals = stringList(counterpart, field);
    const shown = new Set(items.map((item) => item.trim().toLowerCase()));
    const used = new Set<number>();
    const result: string[] = [];
    items.forEach((item, index) => {
      const problems = this.textProblems(item);
      if (problems.length === 0) {
        result.push(item);
        return;
      }
      let best: number | undefined;
      let bestScore = 0.2;
      originals.forEach((original, candidate) => {
        if (used.has(candidate) || shown.has(original.trim().toLowerCase())) return;
        const score = similarity(item, original) + (candidate === index ? 0.05 : 0);
        if (score >= bestScore) {
          best = candidate;
          bestScore = score;
        }
      });
      const replacement = best !== undefined ? originals[best] : undefined;
      for (const problem of problems) this.report(`${path}/${field}/${index}`, problem.kind, problem.value, replacement);
      if (best !== undefined && replacement !== undefined) {
        used.add(best);
        result.push(replacement);
      }
    });
    if (result.length > 0) entry[field] = result;
    else delete entry[field];
  }

  /** Skills named in a list (keywords): each needs evidence of its own, or is removed. */
  checkTermList(entry: Entry, field: string, path: string): void {
    if (!Array.isArray(entry[field])) return;
    const kept = stringList(entry, field).filter((term, index) => {
      if (this.termSupported(term)) return true;
      this.report(`${path}/${field}/${index}`, 'skill', term, null);
      return false;
    });
    if (kept.length > 0) entry[field] = kept;
    else delete entry[field];
  }

  /** A skill is supported when the source or the questionnaire shows it; every part of "Kubernetes (K8s)" must be. */
  termSupported(term: string): boolean {
    const parts = term
      .split(/[(),;]/)
      .map((part) => part.trim())
      .filter((part) => part !== '');
    return parts.length > 0 && parts.every((part) => this.evidence.hasTerm(part));
  }

  /** A skill group's name ("Cloud & DevOps") may be a label of words found anywhere, unless it is an advert keyword the CV does not show. */
  labelSupported(label: string, counterpartLabel: string | undefined): boolean {
    if (counterpartLabel !== undefined && sameName(label, counterpartLabel)) return true;
    if (this.termSupported(label)) return true;
    const forbidden = this.forbiddenTerms.some((term) => sameName(term, label));
    return !forbidden && this.evidence.hasEveryWord(label);
  }
}

const ENTRY_FACTS = new Set<FabricationKind>(['employer', 'job_title', 'school', 'degree', 'date', 'certification']);

function checkSection(checker: TruthChecker, rules: SectionRules, improved: JsonResume, source: JsonResume): Entry[] | undefined {
  if (!Array.isArray((improved as Record<string, unknown>)[rules.section])) return undefined;
  const entries = entriesOf(improved, rules.section);
  const originals = entriesOf(source, rules.section);
  const matches = matchEntries(entries, originals, rules);
  const kept: Entry[] = [];
  entries.forEach((written, index) => {
    const entry: Entry = structuredClone(written);
    const counterpart = matches[index] !== undefined ? originals[matches[index]] : undefined;
    const path = pointer(rules.section, index);
    if (rules.key) {
      const value = stringField(entry, rules.key.field);
      if (counterpart === undefined && value !== undefined && !checker.nameSupported(value, undefined, rules.key)) {
        // Nothing in the source answers to this entry and its very name is unsupported: invented as a whole.
        checker.report(path, rules.key.kind, value, null);
        return;
      }
      checker.checkName(entry, counterpart, rules.key, path);
    }
    const reportedBefore = checker.fabrications.length;
    const degreeWords = rules.section === 'education' ? [[stringField(counterpart, 'studyType'), stringField(counterpart, 'area')].filter(Boolean).join(' ')].filter((text) => text !== '') : [];
    for (const rule of rules.names) checker.checkName(entry, counterpart, rule, path, degreeWords);
    for (const field of rules.dates) checker.checkDate(entry, counterpart, field, path);
    for (const field of rules.urls) checker.checkUrlField(entry, counterpart, field, path);
    for (const field of rules.texts) checker.checkTextField(entry, counterpart, field, path);
    for (const field of rules.lists) checker.checkTextList(entry, counterpart, field, path);
    for (const field of rules.terms) checker.checkTermList(entry, field, path);
    // An entry the source has no counterpart for, with an unsupported name or date, is more invented than not: it goes whole.
    const inventedFacts = checker.fabrications.slice(reportedBefore).some((fabrication) => ENTRY_FACTS.has(fabrication.kind));
    if (counterpart === undefined && inventedFacts) return;
    if (Object.keys(entry).length > 0) kept.push(entry);
  });
  return kept;
}

function checkSkills(checker: TruthChecker, improved: JsonResume, source: JsonResume, evidence: Evidence): Entry[] | undefined {
  if (!Array.isArray(improved.skills)) return undefined;
  const entries = entriesOf(improved, 'skills');
  const originals = entriesOf(source, 'skills');
  const matches = matchEntries(entries, originals, { key: { field: 'name', kind: 'skill', style: 'title' }, names: [], dates: [] });
  const kept: Entry[] = [];
  entries.forEach((written, index) => {
    const entry: Entry = structuredClone(written);
    const counterpart = matches[index] !== undefined ? originals[matches[index]] : undefined;
    const path = pointer('skills', index);
    checker.checkTermList(entry, 'keywords', path);
    const name = stringField(entry, 'name');
    const originalName = stringField(counterpart, 'name');
    if (name !== undefined && !checker.labelSupported(name, originalName)) {
      checker.report(`${path}/name`, 'skill', name, originalName);
      if (originalName !== undefined) entry.name = originalName;
      else delete entry.name;
    }
    const level = stringField(entry, 'level');
    const originalLevel = stringField(counterpart, 'level');
    if (level !== undefined && !(originalLevel !== undefined ? sameName(level, originalLevel) : evidence.hasName(level, 'title'))) {
      checker.report(`${path}/level`, 'skill', level, originalLevel);
      if (originalLevel !== undefined) entry.level = originalLevel;
      else delete entry.level;
    }
    if (stringField(entry, 'name') !== undefined || stringList(entry, 'keywords').length > 0) kept.push(entry);
  });
  return kept;
}

function checkLanguages(checker: TruthChecker, improved: JsonResume, source: JsonResume, evidence: Evidence): Entry[] | undefined {
  if (!Array.isArray(improved.languages)) return undefined;
  const entries = entriesOf(improved, 'languages');
  const originals = entriesOf(source, 'languages');
  const matches = matchEntries(entries, originals, { key: { field: 'language', kind: 'skill', style: 'title' }, names: [], dates: [] });
  const kept: Entry[] = [];
  entries.forEach((written, index) => {
    const entry: Entry = structuredClone(written);
    const counterpart = matches[index] !== undefined ? originals[matches[index]] : undefined;
    const path = pointer('languages', index);
    const language = stringField(entry, 'language');
    if (language !== undefined && !checker.termSupported(language)) {
      checker.report(path, 'skill', language, null);
      return;
    }
    const fluency = stringField(entry, 'fluency');
    const original = stringField(counterpart, 'fluency');
    if (fluency !== undefined && !(original !== undefined ? sameName(fluency, original) || evidence.hasName(fluency, 'title', true) : evidence.hasName(fluency, 'title'))) {
      checker.report(`${path}/fluency`, 'skill', fluency, original);
      if (original !== undefined) entry.fluency = original;
      else delete entry.fluency;
    }
    if (Object.keys(entry).length > 0) kept.push(entry);
  });
  return kept;
}

/** The headline may name a title the person held (their label or a position), or one they wrote in the questionnaire. */
function checkBasics(checker: TruthChecker, improved: JsonResume, source: JsonResume): JsonResume['basics'] {
  if (!improved.basics) return undefined;
  const basics = structuredClone(improved.basics) as Entry;
  const original = (source.basics ?? {}) as Entry;
  const positions = [...entriesOf(source, 'work'), ...entriesOf(source, 'volunteer')]
    .map((entry) => stringField(entry, 'position'))
    .filter((position): position is string => position !== undefined);
  checker.checkName(basics, stringField(original, 'label') !== undefined ? original : undefined, { field: 'label', kind: 'job_title', style: 'title' }, '/basics', positions);
  checker.checkTextField(basics, original, 'summary', '/basics');
  return basics;
}

/** The advert's missing keywords, once each, in order. */
function gapsOf(keywordsMissing: string[]): string[] {
  const seen = new Set<string>();
  const gaps: string[] = [];
  for (const keyword of keywordsMissing) {
    const trimmed = keyword.trim();
    if (trimmed === '' || seen.has(trimmed.toLowerCase())) continue;
    seen.add(trimmed.toLowerCase());
    gaps.push(trimmed);
  }
  return gaps;
}

/**
 * Puts the improved CV's facts back in line with the source: employers, job titles, schools,
 * degrees, dates, numbers, certifications, URLs and skills the source CV and the questionnaire do
 * not support are reverted to the source's value or removed, and each is listed as a fabrication.
 */
export function enforceTruthfulness(source: JsonResume, improved: JsonResume, evidence: TruthEvidence): TruthfulResume {
  // What the CV or the request tells the model to claim is no evidence that it is true.
  const known = new Evidence(resumeWithoutPlantedInstructions(source), withoutPlantedInstructions(evidence.questionnaireText));
  const checker = new TruthChecker(known, evidence.keywordsMissing);
  const resume = { ...improved } as Record<string, unknown>;

  const basics = checkBasics(checker, improved, source);
  if (basics) resume.basics = basics;
  for (const rules of SECTION_RULES) {
    const entries = checkSection(checker, rules, improved, source);
    if (entries === undefined) continue;
    if (entries.length > 0) resume[rules.section] = entries;
    else delete resume[rules.section];
  }
  for (const [section, entries] of [
    ['skills', checkSkills(checker, improved, source, known)],
    ['languages', checkLanguages(checker, improved, source, known)],
  ] as const) {
    if (entries === undefined) continue;
    if (entries.length > 0) resume[section] = entries;
    else delete resume[section];
  }
  return { resume: resume, fabrications: checker.fabrications, gaps: gapsOf(evidence.keywordsMissing) };
}
