// Terms of a job advert that the vocabulary lacks: acronyms (OEM, TPM), products written in camel case
// or with digits (CloudFront, Jinja2) and names standing in a list beside known skills ("R, Weka,
// NumPy"). An advert's prose is full of capitalised words that are no skill (sentence starts,
// company names, places, headings), so a term counts only where it stands as an item of a list whose
// neighbour is a skill, or as an acronym in brackets ("Technical Program Managers (TPMs)").

/** A term found, and where it stands as a list's item. */
export interface UnlistedTerm {
  term: string;
  index: number;
}

// Uppercase words that are grammar, places, legal forms, units, currencies or advert boilerplate.
const NOT_ACRONYMS = new Set(
  (
    'A AN THE AND OR OF TO IN ON AT BY FOR WITH FROM AS IS ARE BE WE YOU OUR YOUR US USA UK EU UAE NYC ' +
    'INC LLC LLP LTD PVT CO CORP GMBH SA SL SRL PLC AG BV NV AM PM ETC EG IE VS NB PS OK NO YES NEW ' +
    'TBD ASAP FAQ EOE HQ ID TV CV CVS PDF II III IV VI VII VIII IX XI XII COVID GPA YOE LPA CTC INR USD ' +
    'EUR GBP JPY CNY RS RQ DE LA EL EN DEL LOS LAS Y O UN UNA AL SU MI TU SE NOTE JOB FULL TIME REMOTE'
  ).split(' '),
);

// Capitalised words that stand in lists of skills but name no skill: departments, advert boilerplate.
const NOT_TERMS = new Set(
  (
    'business engineering science sciences technology technologies management operations support product products ' +
    'research strategy customer customers partner partners team teams search ads other others legal design ' +
    'experience education skills skill language languages salary required preferred desired optional bonus plus ' +
    'etc tools tool frameworks framework libraries library systems system services service data software hardware ' +
    'development developer developers engineer engineers manager managers analyst analysts intern senior junior ' +
    'lead head director good great strong excellent basic advanced intermediate fluent native knowledge ability ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august ' +
    'september october november december remote hybrid onsite office contract permanent temporary full part time ' +
    'india usa europe asia america africa london paris berlin madrid lima delhi mumbai bangalore gurgaon ' +
    'básico basico avanzado intermedio deseable requerido otros otras'
  ).split(' '),
);

// What separates the items of a list: punctuation, bullets, "and"/"or" (and Spanish "y"/"o"), "etc.";
// and what ends one: brackets, a colon, a sentence's full stop.
const SEPARATOR = /[,;/|()[\]•·:]|\s(?:and|or|y|o|&)\s|\s?\b[Ee]tc\b\.?|(?<=\p{Ll}{2})\.\s+(?=\p{Lu})/gu;
const ENDS_LIST = /[()[\]:]|^\.\s/;
// Words that lead into a list's item and are not part of it (matched in lower case).
const LEAD_IN = /^(?:(?:such as|like|e\.g\.?|i\.e\.?|including|incl\.?|with|using|via|in|of|on|w|ex)\s+)+/;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}+#.-]*[\p{L}\p{N}+#]|[\p{L}\p{N}]/gu;
// Links and addresses carry words that are no skills (https, a company's name in its domain). Domains
// are lower case: "ASP.NET" is no address. The address's parts are bounded and exclude "@", so that a
// long run without spaces costs linear time.
const LINK = /\b(?:[Hh][Tt][Tt][Pp][Ss]?:\/\/|[Ww][Ww][Ww]\.)\S+|\b[\w-]+\.(?:com|org|io|pe|es|de|fr|uk|in)\b(?:\/\S*)?/gu;
const EMAIL_ADDRESS = /[^\s@]{1,64}@[^\s@]{1,255}/gu;

/** The text with its links and e-mail addresses blanked out, offsets unchanged. */
export function maskLinks(text: string): string {
  const blank = (link: string) => ' '.repeat(link.length);
  const withoutLinks = text.replace(LINK, blank);
  return withoutLinks.includes('@') ? withoutLinks.replace(EMAIL_ADDRESS, blank) : withoutLinks;
}

const ACRONYM = /^(?=(?:[^A-Z]*[A-Z]){2})[A-Z][A-Z0-9&]{1,5}s?$/u;
const CAMEL = /^(?:[a-z]+[A-Z]|[A-Z][a-z]+[A-Z]|[A-Z]{2,}[a-z]{2,})[\p{L}\p{N}]*$/u;
const WITH_DIGITS = /^[A-Za-z]+\d+[A-Za-z0-9]*$/u;

interface Item {
  text: string;
  index: number;
  bracketed: boolean;
  words: number;
  /** Joined to the next item as one list (a comma, "and"), not by a bracket or a colon. */
  listedWithNext: boolean;
}

/** The singular of a plural acronym: OEMs → OEM. */
const singular = (word: string) => (/^[A-Z0-9&]{2,}s$/.test(word) ? word.slice(0, -1) : word);

function isTechnicalWord(word: string): boolean {
  if (ACRONYM.test(word)) return !NOT_ACRONYMS.has(singular(word));
  return CAMEL.test(word) || (WITH_DIGITS.test(word) && !/^\d+$/.test(word));
}

/** A line written in capitals is a heading or a name: every word would look like an acronym. */
function isShouting(line: string): boolean {
  const words = line.match(/\p{L}{2,}/gu) ?? [];
  return words.length >= 2 && words.filter((word) => word === word.toUpperCase()).length / words.length >= 0.6;
}

function splitItems(line: string, offset: number): Item[] {
  const items: Item[] = [];
  let start = 0;
  let openedBracket = false;
  const push = (end: number, separator: string) => {
    const raw = line.slice(start, end);
    const lead = LEAD_IN.exec(raw.trimStart().toLowerCase())?.[0].length ?? 0;
    const leading = raw.length - raw.trimStart().length + lead;
    const text = raw.slice(leading).trim();
    const listedWithNext = !ENDS_LIST.test(separator) && separator !== '';
    if (text !== '') items.push({ text, index: offset + start + leading, bracketed: openedBracket && separator === ')', words: text.split(/\s+/).length, listedWithNext });
    else if (!listedWithNext) {
      const previous = items.at(-1);
      if (previous) previous.listedWithNext = false;
    }
  };
  for (const separator of line.matchAll(SEPARATOR)) {
    push(separator.index, separator[0]);
    openedBracket = separator[0] === '(';
    start = separator.index + separator[0].length;
  }
  push(line.length, '');
  return items;
}

/**
 * Terms the vocabulary lacks, read from the advert's lists (links masked, see `maskLinks`). `knownAt` tells whether a vocabulary skill
 * covers a span of the text; `isKnown` whether a word is a vocabulary name (counted there, not here).
 */
export function findUnlistedTerms(text: string, knownAt: (index: number, end: number) => boolean, isKnown: (word: string) => boolean): UnlistedTerm[] {
  const found: UnlistedTerm[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    if (!isShouting(line)) found.push(...termsOfLine(line, offset, text, knownAt, isKnown));
    offset += line.length + 1;
  }
  return found;
}

function termsOfLine(line: string, offset: number, text: string, knownAt: (index: number, end: number) => boolean, isKnown: (word: string) => boolean): UnlistedTerm[] {
  const items = splitItems(line, offset);
  // An item that is a skill and nothing else: "NumPy", "ODMs", "Power BI".
  const isSkill = items.map((item) =>
    [...item.text.matchAll(WORD)].every((word) => knownAt(item.index + word.index, item.index + word.index + word[0].length) || isTechnicalWord(word[0])),
  );
  const besideSkill = (i: number) => (items[i - 1]?.listedWithNext === true && isSkill[i - 1] === true) || (items[i]?.listedWithNext === true && isSkill[i + 1] === true);
  const found: UnlistedTerm[] = [];
  items.forEach((item, i) => {
    // An acronym or a product name may come with one word ("SoC manufacturers"), no more: a longer item is a phrase.
    if (item.words > 2) return;
    for (const word of item.text.matchAll(WORD)) {
      const index = item.index + word.index;
      const end = index + word[0].length;
      if (knownAt(index, end) || isKnown(word[0]) || !isTechnicalWord(word[0])) continue;
      // Reference numbers are no acronyms: RQ-0950, COVID-19.
      if (/^-\d/.test(text.slice(end, end + 2)) || /\d-$/.test(text.slice(Math.max(0, index - 2), index))) continue;
      if (besideSkill(i) || (item.bracketed && item.words === 1)) found.push({ term: singular(word[0]), index });
    }
    // A single capitalised word beside a skill, outside brackets: "R, Weka, NumPy".
    const single = item.text.replace(/\.$/, '');
    if (
      item.words === 1 &&
      !item.bracketed &&
      /^\p{Lu}\p{Ll}{2,}$/u.test(single) &&
      !NOT_TERMS.has(single.toLowerCase()) &&
      !isKnown(single) &&
      !knownAt(item.index, item.index + single.length) &&
      besideSkill(i)
    ) {
      found.push({ term: single, index: item.index });
    }
  });
  return found;
}
