import { startsObject } from './english-text.js';
import { verbFormOf, type VerbForm, type VerbForms } from './verb-forms.js';

/** The tense a role's bullets are written in: past roles in the past, the current role in the present. */
export type Tense = 'past' | 'present';

interface ChainVerb {
  start: number;
  end: number;
  verb: VerbForms;
}

/** Known verbs in one form joined by commas, "and" or "&" ("Designed, built and shipped"), and the word after them. */
export interface VerbChain {
  form: VerbForm;
  verbs: ChainVerb[];
  /** The first word after the chain, which tells a verb ("Lead a team") from a noun ("Lead developer"). */
  nextWord: string | undefined;
}

const WORD = /[A-Za-z][A-Za-z'-]*/y;
// The token after a chain: a word, a number or an amount ("a", "5", "$2M").
const NEXT_TOKEN = /\s*([^\s,;:.()]+)/y;
const JOINER = /(?:\s*,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+)/y;

function wordAt(text: string, at: number): { word: string; start: number; end: number } | undefined {
  const spaces = /\s*/y;
  spaces.lastIndex = at;
  spaces.exec(text);
  WORD.lastIndex = spaces.lastIndex;
  const match = WORD.exec(text);
  if (match === null) return undefined;
  return { word: match[0], start: match.index, end: match.index + match[0].length };
}

/** The chain of known verbs starting at `at` (after spaces), all in the first verb's form, or undefined when the word there is not a known verb. */
export function readVerbChain(text: string, at: number, only?: VerbForm): VerbChain | undefined {
  const first = wordAt(text, at);
  if (first === undefined) return undefined;
  // An acronym (LED, RUN) is not a verb however it is spelt.
  if (first.word.length > 1 && first.word === first.word.toUpperCase()) return undefined;
  const found = verbFormOf(first.word);
  if (found === undefined || (only !== undefined && found.form !== only)) return undefined;
  const verbs: ChainVerb[] = [{ start: first.start, end: first.end, verb: found.verb }];
  let end = first.end;
  for (;;) {
    JOINER.lastIndex = end;
    if (JOINER.exec(text) === null) break;
    const next = wordAt(text, JOINER.lastIndex);
    const nextForm = next === undefined ? undefined : verbFormOf(next.word);
    if (next === undefined || nextForm === undefined || nextForm.form !== found.form) break;
    verbs.push({ start: next.start, end: next.end, verb: nextForm.verb });
    end = next.end;
  }
  NEXT_TOKEN.lastIndex = end;
  return { form: found.form, verbs, nextWord: NEXT_TOKEN.exec(text)?.[1] };
}

/** The text with every verb of the chain put in another form, each keeping its capital letter. */
export function rewriteChain(text: string, chain: VerbChain, to: VerbForm): string {
  let result = '';
  let from = 0;
  for (const { start, end, verb } of chain.verbs) {
    const written = text.slice(start, end);
    const wanted = verb[to];
    result += text.slice(from, start) + (/^[A-Z]/.test(written) ? capitalise(wanted) : wanted);
    from = end;
  }
  return result + text.slice(from);
}

/** The text with its first letter in upper case. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// "Scaled the team from 3 to 28": a finished change, past even in the current role.
const FINISHED_CHANGE = /\bfrom\s+[$€£]?\p{Nd}[^\s]*\s+to\s+[$€£]?\p{Nd}/iu;
// An adverb before the verb ("Successfully delivered…") is kept and the verb after it read.
const LEADING_ADVERB = /^[A-Za-z]+ly\s+/;

/** The bullet with its leading verbs in the tense of its role, or the same text when they are unknown, already right, or maybe not verbs. */
export function withLeadingTense(text: string, tense: Tense): string {
  const adverb = LEADING_ADVERB.exec(text);
  const start = adverb !== null && readVerbChain(text, adverb[0].length) !== undefined ? adverb[0].length : 0;
  const chain = readVerbChain(text, start);
  if (chain === undefined) return text;
  const first = chain.verbs[0]?.verb;
  if (first === undefined) return text;
  if (tense === 'past') {
    if (chain.form === 'past') return text;
    if (!surelyVerb(chain, first.nounLike)) return text;
    return withLaterVerbs(text, chain, 'past');
  }
  // The present is the base form ("Lead a team of 5"); a third-person or -ing opening is present already.
  if (chain.form !== 'past') return text;
  if (chain.verbs.some(({ verb }) => verb.milestone) || FINISHED_CHANGE.test(text)) return text;
  if (first.adjectiveLike && !startsObject(chain.nextWord)) return text;
  return withLaterVerbs(text, chain, 'base');
}

// Whether the opening word is a verb here. An -ing or -s word is often a noun ("Teaching Assistant",
// "Processes for…"): only before a lower-case word or an object. A noun-like verb needs an object.
function surelyVerb(chain: VerbChain, nounLike: boolean): boolean {
  if (startsObject(chain.nextWord)) return true;
  if (nounLike) return false;
  if (chain.form === 'gerund' || chain.form === 'third') return chain.nextWord !== undefined && /^[a-z]/.test(chain.nextWord);
  return true;
}

// Words after which "and <verb>" belongs to another clause ("Led a team that built and shipped…").
const CLAUSE_WORDS = new Set(
  'that which who whose whom where when while because after before since until as so if whereby was were is are be been being has have had'.split(' '),
);

/** The chain put in the form, and a verb after "and" in the same clause too ("Mentored juniors and conducted reviews"). */
function withLaterVerbs(text: string, chain: VerbChain, to: VerbForm): string {
  const end = chain.verbs.at(-1)?.end ?? 0;
  const words = text.slice(end).split(/(\s+)/);
  for (let index = 0; index < words.length; index += 2) {
    const word = words[index] ?? '';
    const bare = word.toLowerCase();
    if (CLAUSE_WORDS.has(bare) || /[.,;:!?()]/.test(word)) break;
    const next = words[index + 2];
    if ((bare !== 'and' && bare !== '&') || next === undefined) continue;
    const found = verbFormOf(next);
    if (found === undefined || found.form !== chain.form) continue;
    const unsure = to === 'base' ? found.verb.milestone || found.verb.adjectiveLike : found.verb.nounLike;
    if (!unsure) words[index + 2] = found.verb[to];
  }
  return rewriteChain(text.slice(0, end), chain, to) + words.join('');
}

/** The tense most bullets of a role already start in (past on a tie), for a role without dates. */
export function prevailingTense(bullets: readonly string[]): Tense {
  let past = 0;
  let present = 0;
  for (const bullet of bullets) {
    const chain = readVerbChain(bullet.replace(LEADING_ADVERB, ''), 0);
    if (chain?.form === 'past') past += 1;
    else if (chain?.form === 'base') present += 1;
  }
  return present > past ? 'present' : 'past';
}
