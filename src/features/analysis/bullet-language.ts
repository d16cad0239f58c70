// How a CV's bullet reads: whether it opens on a phrase that describes duties rather than results,
// with which verb form it opens, and whether it carries a figure. English only: a bullet in another
// language opens on no word these lists know, and is left alone.

interface WeakOpening {
  pattern: RegExp;
  phrase: string;
  instead: string;
}

// Patterns of lower case, matched against lower-cased text: the `i` flag with `u` makes V8 compile
// Unicode case folding into each pattern, tens of milliseconds in all on a first analysis.
const weak = (phrase: string, instead: string, pattern = phrase): WeakOpening => ({
  pattern: new RegExp(`^(?:i\\s+)?(?:(?:was|were|am|is|been)\\s+)?(?:${pattern})(?![\\p{L}])`, 'u'),
  phrase,
  instead,
});

const WEAK_OPENINGS: readonly WeakOpening[] = [
  weak('responsible for', '"Led", "Managed" or "Owned"', 'responsible\\s+for|in\\s+charge\\s+of'),
  weak('duties included', 'the verb of what you achieved, such as "Delivered" or "Built"', '(?:my\\s+)?(?:duties|responsibilities|tasks)\\s+(?:included|include|were)'),
  weak('tasked with', '"Led", "Delivered" or "Built"'),
  weak('worked on', '"Built", "Developed" or "Delivered"', 'work(?:ed|s|ing)?\\s+(?:closely\\s+)?(?:on|with|in)'),
  weak('helped', '"Enabled", "Drove" or the verb of your own part', 'help(?:ed|s|ing)?(?:\\s+to)?'),
  weak('assisted', '"Supported", "Co-developed" or the verb of your own part', 'assist(?:ed|s|ing)?(?:\\s+(?:in|with))?'),
  weak('involved in', 'the verb of your own part, such as "Designed" or "Implemented"', '(?:actively\\s+)?involved\\s+(?:in|with)'),
  weak('participated in', '"Contributed" with its result, or the verb of your own part', 'participat(?:ed|e|es|ing)\\s+in|took\\s+part\\s+in|was\\s+part\\s+of|part\\s+of'),
  weak('handled', '"Managed", "Resolved" or "Processed", with how many', 'handl(?:ed|es|ing)'),
  weak('gained experience', 'what you did with it, such as "Built" or "Delivered"', 'gain(?:ed|ing)\\s+(?:experience|exposure|knowledge)|exposure\\s+to'),
  weak('responsable de', '"Lideré", "Gestioné" o "Implementé"', 'responsable\\s+de|encargad[oa]\\s+de'),
  weak('participé en', 'el verbo de tu aporte, como "Diseñé" o "Implementé"', 'particip[ée]\\s+en'),
  weak('ayudé', '"Impulsé", "Logré" o el verbo de tu aporte', 'ayud[ée](?:\\s+a)?'),
];

/** The bullet's text past a short label ("Notifications: Built a service…" reads from "Built") and leading marks. */
export function withoutLabel(text: string): string {
  const trimmed = text.trim().replace(/^[^\p{L}\p{N}]+/u, '');
  const labelled = /^([^:]{1,60}):\s+(\S[\s\S]*)$/u.exec(trimmed);
  if (labelled?.[1] && labelled[2] && labelled[1].split(/\s+/).length <= 6) return labelled[2];
  return trimmed;
}

/** The weak phrase a bullet opens with, and what to write instead; undefined when it opens well. */
export function weakOpening(text: string): { phrase: string; instead: string } | undefined {
  const opening = withoutLabel(text).toLowerCase();
  const found = WEAK_OPENINGS.find((weakOpening) => weakOpening.pattern.test(opening));
  return found && { phrase: found.phrase, instead: found.instead };
}

// Verbs a CV's bullets open with, in their base form.
const ACTION_VERBS = new Set(
  (
    'accelerate achieve acquire adapt administer advise advocate align analyse analyze architect arrange assemble assess ' +
    'audit author automate balance boost build calculate champion clarify coach code collaborate collect compile complete ' +
    'compose conceive conduct configure consolidate construct consult contribute convert coordinate craft create curate ' +
    'cut debug decrease define deliver demonstrate deploy design detect develop devise diagnose direct discover document ' +
    'double draft drive edit educate eliminate enable encourage engineer enhance ensure establish estimate evaluate execute ' +
    'expand expedite facilitate file fix forecast formulate foster found generate grow guide halve head help hire host ' +
    'identify implement improve increase influence initiate innovate inspect inspire install instruct integrate interview ' +
    'introduce invent investigate launch lead leverage lower maintain manage market maximise maximize measure mentor merge ' +
    'migrate minimise minimize model moderate modernise modernize monitor motivate negotiate onboard operate optimise ' +
    'optimize orchestrate organise organize outperform overhaul oversee own partner perform pilot pioneer plan prepare ' +
    'present prioritise prioritize produce program promote propose prototype provide provision publish raise rebuild ' +
    'recommend reconcile recruit redesign reduce refactor refine remove reorganise reorganize repair replace report ' +
    'represent research resolve restructure revamp review revise rewrite run save scale schedule secure sell serve set ' +
    'shape ship simplify solve speak spearhead standardise standardize start steer streamline strengthen structure supervise ' +
    'support survey sustain teach test track train transform translate triple troubleshoot tune tutor unify upgrade ' +
    'validate verify visualise visualize win work write assist handle participate gain discover re-architect co-author adopt'
  ).split(' '),
);

// Past forms that do not end in -ed, with their base form.
const IRREGULAR_PAST: Record<string, string> = {
  led: 'lead',
  built: 'build',
  wrote: 'write',
  ran: 'run',
  drove: 'drive',
  grew: 'grow',
  won: 'win',
  sold: 'sell',
  taught: 'teach',
  spoke: 'speak',
  oversaw: 'oversee',
  made: 'make',
  began: 'begin',
  brought: 'bring',
  rebuilt: 'rebuild',
  rewrote: 'rewrite',
  'co-led': 'co-lead',
  'co-wrote': 'co-write',
  undertook: 'undertake',
  took: 'take',
  gave: 'give',
  held: 'hold',
  kept: 'keep',
  met: 'meet',
  sent: 'send',
  spent: 'spend',
  found: 'find',
  chose: 'choose',
  drew: 'draw',
  upheld: 'uphold',
  sought: 'seek',
  thought: 'think',
  understood: 'understand',
  became: 'become',
};
const PAST_OF: Record<string, string> = Object.fromEntries(Object.entries(IRREGULAR_PAST).map(([past, base]) => [base, past]));
// Spelled the same in the present and the past: their tense cannot be told.
const SAME_IN_BOTH = new Set(['cut', 'set', 'put', 'forecast', 'read', 'broadcast', 'spread', 'upset']);
// Past participles used as adjectives at a bullet's start: "Distributed systems…", "Certified Scrum Master".
const ADJECTIVES_IN_ED = new Set(['distributed', 'embedded', 'advanced', 'dedicated', 'detailed', 'experienced', 'skilled', 'certified', 'based', 'related', 'selected', 'invited', 'featured']);
// A word after an opening "Lead", "Research" or "Design" that shows it is a noun, not a verb.
const NOUN_FOLLOWERS = new Set([
  'of', 'on', 'for', 'at', 'in', 'engineer', 'developer', 'designer', 'architect', 'analyst', 'scientist', 'researcher',
  'consultant', 'manager', 'assistant', 'associate', 'author', 'instructor', 'role', 'position', 'intern', 'member',
  'team', 'project', 'projects', 'paper', 'papers', 'experience', 'interests', 'area', 'areas',
]);

export type VerbForm = 'past' | 'present' | 'gerund';

export interface OpeningVerb {
  word: string;
  form: VerbForm;
  /** Its base form: "lead" for "Led", "Leads" and "Leading". */
  base: string;
}

function regularBase(word: string, ending: 'ed' | 'ing'): string | undefined {
  const stem = word.slice(0, -ending.length);
  const candidates = [stem, `${stem}e`, stem.endsWith('i') && ending === 'ed' ? `${stem.slice(0, -1)}y` : '', /(.)\1$/.test(stem) ? stem.slice(0, -1) : ''];
  return candidates.find((candidate) => candidate !== '' && ACTION_VERBS.has(candidate));
}

/** The verb a bullet opens with and its form; undefined when it opens with no verb these lists know. */
export function openingVerb(text: string): OpeningVerb | undefined {
  const words = withoutLabel(text).split(/\s+/);
  // An adverb may come first: "Successfully delivered…".
  if (/^\p{L}{3,}ly$/u.test(words[0] ?? '') && words.length > 1) words.shift();
  const word = (words[0] ?? '').replace(/[^\p{L}-]+$/u, '');
  const lower = word.toLowerCase();
  const next = (words[1] ?? '').toLowerCase().replace(/[^\p{L}-]+$/u, '');
  if (lower === '' || SAME_IN_BOTH.has(lower)) return undefined;
  const irregular = IRREGULAR_PAST[lower];
  if (irregular !== undefined) return { word, form: 'past', base: irregular };
  if (lower.endsWith('ed')) {
    const base = ADJECTIVES_IN_ED.has(lower) ? undefined : regularBase(lower, 'ed');
    return base === undefined ? undefined : { word, form: 'past', base };
  }
  if (lower.endsWith('ing')) {
    const base = regularBase(lower, 'ing');
    return base === undefined ? undefined : { word, form: 'gerund', base };
  }
  // "Lead engineer on…", "Research on…", "Research integrated into…": the word is the subject, not the verb.
  if (NOUN_FOLLOWERS.has(next) || /\p{L}{2,}ed$/u.test(next)) return undefined;
  if (ACTION_VERBS.has(lower) || PAST_OF[lower] !== undefined) return { word, form: 'present', base: lower };
  for (const base of [lower.slice(0, -1), lower.slice(0, -2), lower.endsWith('ies') ? `${lower.slice(0, -3)}y` : '']) {
    if (lower.endsWith('s') && base !== '' && ACTION_VERBS.has(base)) return { word, form: 'present', base };
  }
  return undefined;
}

const DOUBLED_FINAL = new Set(['plan', 'ship', 'scan', 'stop', 'drop', 'commit', 'control', 'refer', 'transfer', 'admit']);

/** The past form of a base verb: "led" for "lead", "planned" for "plan". */
export function pastOf(base: string): string {
  const irregular = PAST_OF[base];
  if (irregular !== undefined) return irregular;
  if (base.endsWith('e')) return `${base}d`;
  if (/[^aeiou]y$/.test(base)) return `${base.slice(0, -1)}ied`;
  if (DOUBLED_FINAL.has(base)) return `${base}${base.at(-1) ?? ''}ed`;
  return `${base}ed`;
}

// Quantities in words, and units of time a result is often measured in ("from hours to minutes").
const NUMBER_WORDS =
  /(?<![\p{L}])(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|dozens?|hundreds?|thousands?|millions?|billions?|doubled?|tripled?|halved?|twice|tenfold|seconds|minutes|hours|days|weeks)(?![\p{L}])/u;

/** Whether a text carries a figure: a number, a percentage, an amount of money or a quantity in words. */
export function hasQuantity(text: string): boolean {
  return /[\p{N}%$€£¥₹]/u.test(text) || NUMBER_WORDS.test(text.toLowerCase());
}

/** Capitalises a word as it would open a bullet. */
export const asOpening = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
