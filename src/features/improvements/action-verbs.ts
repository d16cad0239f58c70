import { startsObject } from './english-text.js';
import { capitalise, readVerbChain, rewriteChain, type Tense } from './tense.js';

// Weak openings ("Responsible for", "Worked on"…) replaced by a verb that says what was done,
// without claiming more than the words did:
// - owning and duty phrases followed by what was done ("Responsible for managing X") become that
//   verb ("Managed X"); followed by a thing, a verb of owning ("Owned X", "Oversaw X", "Handled X");
// - "Worked on" becomes "Developed" only for software in a technical role, else "Contributed to";
// - helping and taking part never become doing: "Contributed to …" or "Supported …".

type WeakKind = 'owned' | 'oversaw' | 'handled' | 'worked' | 'helped' | 'assisted' | 'joined';

const WEAK_OPENING = new RegExp(
  '^(?:(?:i\\s+)?(?:was|am|were|have\\s+been|has\\s+been|got)\\s+)?' +
    '(?:(?<owned>responsible\\s+for)|(?<oversaw>in\\s+charge\\s+of)|(?<handled>tasked\\s+with|(?:main\\s+)?(?:duties|responsibilities)\\s+(?:included|include|including)\\s*:?)' +
    '|(?<worked>worked\\s+on)|(?<helped>helped(?:\\s+to)?)|(?<assisted>assisted(?:\\s+(?:with|in))?)' +
    '|(?<joined>involved\\s+in|participated\\s+in|part\\s+of))\\s+',
  'i',
);

const FALLBACK_VERBS: Record<'owned' | 'oversaw' | 'handled', { past: string; present: string }> = {
  owned: { past: 'Owned', present: 'Own' },
  oversaw: { past: 'Oversaw', present: 'Oversee' },
  handled: { past: 'Handled', present: 'Handle' },
};
const CONTRIBUTED = { past: 'Contributed to', present: 'Contribute to' };
const SUPPORTED = { past: 'Supported', present: 'Support' };
const DEVELOPED = { past: 'Developed', present: 'Develop' };

// Things software people build: "Worked on the billing service" is "Developed the billing service".
const SOFTWARE_NOUNS = new Set(
  `service services api apis app apps application applications system systems platform platforms website websites
  feature features backend back-end frontend front-end pipeline pipelines library libraries tool tools tooling module
  modules microservice microservices database databases integration integrations sdk engine engines framework
  frameworks plugin plugins component components dashboard dashboards codebase software bot chatbot cli compiler
  server servers script scripts infrastructure algorithm algorithms`.split(/\s+/),
);
// Where a noun phrase ends: "the billing service | for the finance team".
const PHRASE_END = new Set(
  'for using with in at to by from that which who where when while via on as and'.split(' '),
);

/** A bullet that no longer starts weakly, and the words it started with. */
export interface StrongerOpening {
  text: string;
  weakPhrase: string;
}

export interface OpeningContext {
  tense: Tense;
  /** The role builds software, so "worked on" a system means developed it. */
  technical: boolean;
}

/** The text with a weak opening replaced by a strong verb, or undefined when it has none or no truthful rewrite. */
export function strengthenOpening(text: string, context: OpeningContext): StrongerOpening | undefined {
  const match = WEAK_OPENING.exec(text);
  const groups = match?.groups;
  if (match === null || groups === undefined) return undefined;
  const kind = (Object.keys(groups) as WeakKind[]).find((name) => groups[name] !== undefined);
  if (kind === undefined) return undefined;
  const rest = text.slice(match[0].length);
  if (rest.trim() === '') return undefined;
  const rewritten = rewrite(kind, match[0].trim(), rest, context);
  if (rewritten === undefined) return undefined;
  return { text: capitalise(rewritten), weakPhrase: capitalise(match[0].trim().replace(/\s*:$/, '').replace(/\s+/g, ' ')) };
}

function rewrite(kind: WeakKind, opening: string, rest: string, context: OpeningContext): string | undefined {
  const to = context.tense === 'past' ? 'past' : 'base';
  const gerunds = readVerbChain(rest, 0, 'gerund');
  // "testing of the app" is a noun, not something done.
  const doing = gerunds !== undefined && gerunds.nextWord?.toLowerCase() !== 'of' && !ING_NOUNS.has(firstWordOf(rest)) ? gerunds : undefined;
  const verb = (forms: { past: string; present: string }) => forms[context.tense];
  const firstWord = firstWordOf(rest);

  switch (kind) {
    case 'owned':
    case 'oversaw':
    case 'handled':
      if (doing !== undefined) return rewriteChain(rest, doing, to);
      // An -ing word we do not know may be an activity we cannot put in the past: leave it.
      if (gerunds === undefined && firstWord.endsWith('ing') && !ING_NOUNS.has(firstWord)) return undefined;
      return `${verb(FALLBACK_VERBS[kind])} ${rest}`;
    case 'worked':
      if (doing === undefined && context.technical && namesSoftware(rest)) return `${verb(DEVELOPED)} ${rest}`;
      return `${verb(CONTRIBUTED)} ${rest}`;
    case 'helped':
      return helped(rest, context, /\sto$/i.test(opening));
    case 'assisted':
      if (doing !== undefined) return `${verb(CONTRIBUTED)} ${rest}`;
      return `${verb(SUPPORTED)} ${rest.replace(/^(?:with|in)\s+/i, '')}`;
    case 'joined':
      return `${verb(CONTRIBUTED)} ${rest}`;
  }
}

// Activities named by an -ing noun: "Responsible for marketing and sales" is "Owned marketing and sales".
const ING_NOUNS = new Set(
  `marketing engineering accounting billing banking pricing staffing consulting manufacturing shipping packaging
  catering cleaning housekeeping nursing landscaping networking logging routing caching hosting branding
  bookkeeping purchasing procurement payroll advertising publishing ticketing invoicing licensing fundraising`.split(/\s+/),
);

function firstWordOf(text: string): string {
  return (/^\s*([A-Za-z-]+)/.exec(text)?.[1] ?? '').toLowerCase();
}

function namesSoftware(rest: string): boolean {
  for (const word of rest.split(/\s+/)) {
    const bare = word.toLowerCase().replace(/[^a-z-]/g, '');
    if (PHRASE_END.has(bare)) return false;
    if (SOFTWARE_NOUNS.has(bare)) return true;
    if (/[,;.:]$/.test(word)) return false;
  }
  return false;
}

/** "Helped (to) reduce costs" → "Contributed to reducing costs"; "Helped customers resolve issues" → "Supported customers in resolving issues". */
function helped(rest: string, context: OpeningContext, afterTo: boolean): string | undefined {
  const contributed = CONTRIBUTED[context.tense];
  const supported = SUPPORTED[context.tense];
  const doing = readVerbChain(rest, 0, 'base');
  if (doing !== undefined && (!doing.verbs[0]?.verb.nounLike || startsObject(doing.nextWord))) {
    return `${contributed} ${rewriteChain(rest, doing, 'gerund')}`;
  }
  if (afterTo) return undefined;
  const withWhat = /^with\s+/i.exec(rest);
  if (withWhat !== null) return `${supported} ${rest.slice(withWhat[0].length)}`;
  // Whom was helped to do what: the first clear verb within a few words after them.
  const words = rest.split(/(\s+)/);
  for (let index = 2; index <= 8 && index < words.length; index += 2) {
    const word = words[index] ?? '';
    if (PHRASE_END.has(word.toLowerCase())) break;
    const at = words.slice(0, index).join('').length;
    const chain = readVerbChain(rest, at, 'base');
    if (chain !== undefined && (!chain.verbs[0]?.verb.nounLike || startsObject(chain.nextWord))) {
      return `${supported} ${rest.slice(0, at).trimEnd()} in ${rewriteChain(rest, chain, 'gerund').slice(at)}`;
    }
  }
  return `${supported} ${rest}`;
}

/** Every sentence of a text with its weak opening made strong; separators and all other words are kept. */
export function strengthenSentences(text: string, context: OpeningContext): { text: string; weakPhrases: string[]; firstChanged: boolean } {
  const weakPhrases: string[] = [];
  let firstChanged = false;
  const pieces = text.split(/((?<=[.!?])[ \t]+|\n+)/);
  const rewritten = pieces.map((piece, index) => {
    if (index % 2 === 1) return piece;
    const stronger = strengthenOpening(piece, context);
    if (stronger === undefined) return piece;
    if (index === 0) firstChanged = true;
    weakPhrases.push(stronger.weakPhrase);
    return stronger.text;
  });
  return { text: rewritten.join(''), weakPhrases, firstChanged };
}

/** "'Worked on'", "'Worked on', 'Helped'": the weak openings named in a reason. */
export function quotedPhrases(phrases: readonly string[]): string {
  return [...new Set(phrases)].map((phrase) => `'${phrase}'`).join(', ');
}
