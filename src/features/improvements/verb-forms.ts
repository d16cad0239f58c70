// The English verbs a CV bullet commonly starts with, and their forms. Only verbs listed here are
// put in another tense: a word we do not know is left as written, which is never wrong, only less
// consistent. Words that are also past forms of another verb (found, saw, left…) are kept out so a
// lookup is never ambiguous.
//
// Notation: `base` (regular), `base:past` (irregular or doubled past), `base:past:gerund` (irregular
// gerund). Flags after the spelling:
//   ~  the base form is also a common noun or adjective ("Lead developer", "Design of…", "Support
//      engineer"): put in the past only when an object visibly follows ("Lead a team").
//   ^  the past form is also a common adjective ("Automated tests", "Distributed systems"): put in
//      the present only when an object visibly follows.
//   !  a one-off milestone ("Raised $18M", "Won the award"): stays in the past even in the current
//      role, where the present would say something else.
const VERBS = `
accelerate achieve! acquire adapt administer advise advocate align allocate analyse analyze apply architect~ arrange
assemble assess audit~ author~ automate^ balance become:became begin:began:beginning benchmark~ boost bring:brought
budget~ build~:built calculate champion~ choose!:chose clarify close! co-author:co-authored co-found! coach~
collaborate collect combine communicate compile complete! compose conceive conduct configure consolidate construct
consult contribute control:controlled convert coordinate create cultivate curate debug:debugged decrease~
define deliver demonstrate deploy design~ detect develop devise diagnose digitise digitize direct~ discover document~
double~ draft~ draw:drew drive:drove earn! edit educate eliminate enable encourage engage engineer~ enhance ensure
establish estimate evaluate examine execute expand expedite explore extend facilitate forecast~:forecast formulate
foster generate give:gave grow:grew guide~ handle head~ hire~ hold:held host~ identify implement improve increase~
influence~ initiate innovate inspect install institute integrate^ interview~ introduce invent investigate keep:kept
launch~ lead~:led lower~ maintain make:made manage map:mapped market~ master~ maximise maximize measure mediate
meet:met mentor~ merge migrate minimise minimize model~:modeled moderate modernise modernize modify monitor~ motivate
negotiate nurture obtain! onboard operate optimise optimize orchestrate organise organize outline~ overhaul~
oversee:oversaw own partner~ perform pilot~ pioneer~ plan~:planned prepare present~ prioritise prioritize process~
produce program~:programmed promote! propose prototype~ provide provision publish! purchase~ raise! rank~
rebuild:rebuilt recommend reconcile record~ recruit redesign~ reduce refactor refine release~ remodel renegotiate
reorganise reorganize repair~ replace report~ represent research~ resolve restore restructure retain revamp~ review~
revise revitalise revitalize rewrite:rewrote run:ran:running save~ scale~ schedule~ scope~ secure! select! sell:sold
serve ship~:shipped simplify solve source~ speak:spoke spearhead specify speed~:sped spend:spent sponsor~ stabilise
stabilize standardise^ standardize^ steer streamline strengthen structure~ study~ submit:submitted summarise summarize
supervise support~ survey~ sustain synthesise synthesize tailor~ take:took teach:taught test~ track~ train~ transform
translate triage~ troubleshoot tutor~ undertake:undertook unify update~ upgrade~ validate verify visualise visualize
volunteer~ win!:won:winning write:wrote:writing
`;

export interface VerbForms {
  base: string;
  past: string;
  gerund: string;
  third: string;
  /** The base, third-person and gerund forms are often not verbs at the start of a bullet. */
  nounLike: boolean;
  /** The past form is often an adjective at the start of a bullet. */
  adjectiveLike: boolean;
  /** A one-off achievement, past even in the current role. */
  milestone: boolean;
}

export type VerbForm = 'base' | 'past' | 'gerund' | 'third';

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

function regularPast(base: string): string {
  if (base.endsWith('e')) return `${base}d`;
  if (base.endsWith('y') && !VOWELS.has(base.at(-2) ?? '')) return `${base.slice(0, -1)}ied`;
  return `${base}ed`;
}

function regularGerund(base: string, past: string): string {
  const last = base.at(-1) ?? '';
  // Verbs that double their last consonant in the past do so in the gerund too (planned, planning).
  if (past === `${base}${last}ed`) return `${base}${last}ing`;
  if (base.endsWith('ie')) return `${base.slice(0, -2)}ying`;
  if (base.endsWith('e') && !/[eoy]e$/.test(base)) return `${base.slice(0, -1)}ing`;
  return `${base}ing`;
}

function regularThird(base: string): string {
  if (/(?:s|x|z|ch|sh|o)$/.test(base)) return `${base}es`;
  if (base.endsWith('y') && !VOWELS.has(base.at(-2) ?? '')) return `${base.slice(0, -1)}ies`;
  return `${base}s`;
}

function parseVerb(token: string): VerbForms {
  const nounLike = token.includes('~');
  const adjectiveLike = token.includes('^');
  const milestone = token.includes('!');
  const [base = '', pastGiven, gerundGiven] = token.replace(/[~^!]/g, '').split(':');
  const past = pastGiven ?? regularPast(base);
  return { base, past, gerund: gerundGiven ?? regularGerund(base, past), third: regularThird(base), nounLike, adjectiveLike, milestone };
}

const verbs: VerbForms[] = VERBS.split(/\s+/)
  .filter((token) => token !== '')
  .map(parseVerb);

function indexBy(form: VerbForm): Map<string, VerbForms> {
  return new Map(verbs.map((verb) => [verb[form], verb]));
}

const byForm: Record<VerbForm, Map<string, VerbForms>> = {
  base: indexBy('base'),
  past: indexBy('past'),
  gerund: indexBy('gerund'),
  third: indexBy('third'),
};

/** Every verb in the table, for tests and for the list of words a rewrite may add. */
export function knownVerbs(): readonly VerbForms[] {
  return verbs;
}

/** The verb and the form a lower-case word is in, or undefined; a word that is both past and base (forecast) is neither. */
export function verbFormOf(word: string): { verb: VerbForms; form: VerbForm } | undefined {
  const lower = word.toLowerCase();
  const past = byForm.past.get(lower);
  const base = byForm.base.get(lower);
  if (past !== undefined && base !== undefined) return undefined;
  if (past !== undefined) return { verb: past, form: 'past' };
  if (base !== undefined) return { verb: base, form: 'base' };
  const third = byForm.third.get(lower);
  if (third !== undefined) return { verb: third, form: 'third' };
  const gerund = byForm.gerund.get(lower);
  if (gerund !== undefined) return { verb: gerund, form: 'gerund' };
  return undefined;
}
