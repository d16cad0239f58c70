import type { JsonResume } from '../../resume/json-resume.js';
import { quotedPhrases, strengthenSentences } from './action-verbs.js';
import { cleanBullet, prevailingPeriodStyle, withCapital, withPeriodStyle, type PeriodStyle } from './bullet-style.js';
import { hasNumber, looksEnglish } from './english-text.js';
import type { ChangeReasons, ImprovementDraft, ImprovementRequest, Improver } from './improver.js';
import { keywordMatcher, keywordsFirstOrder, listOfKeywords, type KeywordMatcher } from './keyword-order.js';
import { orderSections, type ExperienceLevel } from './section-order.js';
import { prevailingTense, withLeadingTense, type Tense } from './tense.js';

// The improver used when no language model is configured: fixed, deterministic rules that only
// reword, reorder and tidy what the CV says. It never adds an employer, title, date, number, skill,
// certificate or link, and never a keyword the CV does not already show.

export const QUANTIFY_PROMPT = 'Add a number: how many, how much or how often (users, %, €, time saved)';

// Schema bound of a highlight or summary (a Paragraph): a rewrite that would pass it is not made.
const MAX_PARAGRAPH = 5000;

type BulletSection = 'work' | 'volunteer' | 'projects';
const BULLET_SECTIONS: readonly BulletSection[] = ['work', 'volunteer', 'projects'];

const TECHNICAL_ROLE =
  /\b(?:develop|engineer|programm|software|architect|devops|sre|data scien|coder|technical|tech lead|full[- ]?stack|front[- ]?end|back[- ]?end|web|cto|machine learning|ml)/i;

/** The rewriting the offline improver does, without the Improver's envelope: the same request gives the same CV and reasons. */
export function improveResume(request: Pick<ImprovementRequest, 'resume' | 'target' | 'keywordsFound'>): { resume: JsonResume; reasons: ChangeReasons } {
  const resume = structuredClone(request.resume);
  const notes = new ReasonNotes();
  const english = looksEnglish(textsOf(resume));
  const matcher = keywordMatcher(request.keywordsFound.map((finding) => finding.keyword));
  const technicalCv = isTechnicalCv(resume);

  const cleaned = new Map<string[], ReturnType<typeof cleanBullet>[]>();
  for (const { highlights } of bulletLists(resume)) cleaned.set(highlights, highlights.map(cleanBullet));
  const periodStyle = prevailingPeriodStyle([...cleaned.values()].flatMap((list) => list.map((bullet) => bullet.text)));

  for (const list of bulletLists(resume)) {
    const { section, index, entry, highlights } = list;
    const role = roleTense(section, entry, highlights);
    const technical = section === 'projects' ? technicalCv : isTechnicalRole(entry, technicalCv);
    const rewritten = (cleaned.get(highlights) ?? []).map((bullet, position) => {
      const reasons: string[] = [];
      if (bullet.removedMark) reasons.push('Bullet mark removed from the text');
      if (bullet.collapsedSpaces) reasons.push('Extra spaces removed');
      const text = english ? styleEnglishBullet(bullet.text, { role, technical, periodStyle }, reasons) : bullet.text;
      return { text, original: highlights[position] ?? '', reasons };
    });
    const kept = rewritten.filter((bullet) => bullet.text !== '');
    const keywords = kept.map((bullet) => matcher.mentioned(bullet.original));
    const order = keywordsFirstOrder(keywords.map((found) => found.length));
    const result: string[] = [];
    order.forEach((from, to) => {
      const bullet = kept[from];
      if (bullet === undefined) return;
      const path = `/${section}/${index}/highlights/${to}`;
      if (to < from) bullet.reasons.push(`Moved up: shows ${listOfKeywords(keywords[from] ?? [])}, which the job asks for`);
      if (!hasNumber(bullet.text)) bullet.reasons.push(QUANTIFY_PROMPT);
      notes.add(path, ...bullet.reasons);
      result.push(bullet.text);
    });
    if (entry.highlights !== undefined) entry.highlights = result;
    if (english) strengthenParagraph(entry, section === 'projects' ? 'description' : 'summary', `/${section}/${index}`, { tense: role.tense, technical }, notes);
  }

  if (english && resume.basics?.summary !== undefined) {
    const tense: Tense = (resume.work ?? []).some((entry) => roleState(entry) === 'current') ? 'present' : 'past';
    strengthenParagraph(resume.basics, 'summary', '/basics', { tense, technical: technicalCv }, notes);
  }

  bringSkillsForward(resume, matcher, notes);
  bringProjectKeywordsForward(resume, matcher, notes);
  const ordered = orderSections(resume, request.target.experienceLevel);
  for (const section of ordered.moved) notes.add(`/${section}`, sectionReason(section, request.target.experienceLevel));
  return { resume: ordered.resume, reasons: notes.toReasons() };
}

/** Improves a CV by fixed rules, without a language model: used when none is configured. */
export class OfflineImprover implements Improver {
  readonly provider = 'offline' as const;
  readonly model = 'rules-1';

  async improve(request: ImprovementRequest, options: { signal: AbortSignal; idempotencyKey: string; onProgress?: (percent: number) => void }): Promise<ImprovementDraft> {
    options.signal.throwIfAborted();
    const started = performance.now();
    const { resume, reasons } = improveResume(request);
    options.signal.throwIfAborted();
    options.onProgress?.(100);
    return {
      resume,
      reasons,
      usage: { provider: this.provider, model: this.model, inputTokens: 0, outputTokens: 0, latencyMs: Math.round(performance.now() - started), calls: 0 },
    };
  }
}

/** Reasons gathered per path, joined into one sentence list each. */
class ReasonNotes {
  private readonly byPath = new Map<string, string[]>();

  add(path: string, ...reasons: string[]): void {
    if (reasons.length === 0) return;
    const list = this.byPath.get(path) ?? [];
    for (const reason of reasons) if (!list.includes(reason)) list.push(reason);
    this.byPath.set(path, list);
  }

  toReasons(): ChangeReasons {
    const reasons: ChangeReasons = {};
    for (const [path, list] of this.byPath) reasons[path] = list.join('; ');
    return reasons;
  }
}

interface BulletList {
  section: BulletSection;
  index: number;
  entry: { highlights?: string[]; startDate?: string; endDate?: string; position?: string; summary?: string; description?: string };
  highlights: string[];
}

function* bulletLists(resume: JsonResume): Generator<BulletList> {
  for (const section of BULLET_SECTIONS) {
    const entries = resume[section] ?? [];
    for (const [index, entry] of entries.entries()) {
      yield { section, index, entry, highlights: entry.highlights ?? [] };
    }
  }
}

type RoleState = 'past' | 'current' | 'undated';

function roleState(entry: { startDate?: unknown; endDate?: unknown }): RoleState {
  const end = typeof entry.endDate === 'string' ? entry.endDate.trim() : '';
  if (end !== '' && !/^(?:present|current|now|today|ongoing)$/i.test(end)) return 'past';
  if (end !== '' || (typeof entry.startDate === 'string' && entry.startDate.trim() !== '')) return 'current';
  return 'undated';
}

interface RoleTense {
  tense: Tense;
  /** Whether the dates say the tense (false: it is only what most bullets already use). */
  dated: boolean;
}

function roleTense(section: BulletSection, entry: BulletList['entry'], highlights: readonly string[]): RoleTense {
  const state = roleState(entry);
  if (state === 'past') return { tense: 'past', dated: true };
  // A project with only a start date is as likely finished as ongoing: its bullets decide.
  if (state === 'current' && section !== 'projects') return { tense: 'present', dated: true };
  return { tense: prevailingTense(highlights), dated: false };
}

function styleEnglishBullet(text: string, context: { role: RoleTense; technical: boolean; periodStyle: PeriodStyle }, reasons: string[]): string {
  let result = text;
  const stronger = strengthenSentences(result, { tense: context.role.tense, technical: context.technical });
  if (stronger.weakPhrases.length > 0 && stronger.text.length <= MAX_PARAGRAPH) {
    result = stronger.text;
    reasons.push(`Starts with a strong action verb instead of ${quotedPhrases(stronger.weakPhrases)}`);
  }
  if (!stronger.firstChanged && context.role.dated) {
    const tensed = withLeadingTense(result, context.role.tense);
    if (tensed !== result) {
      result = tensed;
      reasons.push(context.role.tense === 'past' ? 'Past tense, as for a past role' : 'Present tense, as for the current role');
    }
  }
  const capitalised = withCapital(result);
  if (capitalised !== result) {
    result = capitalised;
    reasons.push('Starts with a capital letter');
  }
  const ended = withPeriodStyle(result, context.periodStyle);
  if (ended !== result) {
    result = ended;
    reasons.push(context.periodStyle === 'period' ? 'Ends with a period, as most bullets do' : 'No final period, as most bullets have none');
  }
  return result;
}

/** Weak openings of the sentences of a paragraph (a summary, a description) made strong; nothing else in it changes. */
function strengthenParagraph<K extends string>(
  holder: Partial<Record<K, unknown>>,
  key: K,
  holderPath: string,
  context: { tense: Tense; technical: boolean },
  notes: ReasonNotes,
): void {
  const text = holder[key];
  if (typeof text !== 'string' || text === '') return;
  const { text: result, weakPhrases } = strengthenSentences(text, context);
  if (weakPhrases.length === 0 || result.length > MAX_PARAGRAPH) return;
  holder[key] = result;
  notes.add(`${holderPath}/${key}`, `Sentences start with a strong action verb instead of ${quotedPhrases(weakPhrases)}`);
}

function bringSkillsForward(resume: JsonResume, matcher: KeywordMatcher, notes: ReasonNotes): void {
  const skills = resume.skills;
  if (skills === undefined || skills.length === 0) return;
  const shown = skills.map((skill) => matcher.mentioned([skill.name ?? '', ...(skill.keywords ?? [])].join(' \n ')));
  const order = keywordsFirstOrder(shown.map((found) => found.length));
  resume.skills = order.map((from, to) => {
    const skill = skills[from] ?? {};
    if (to < from) notes.add(`/skills/${to}`, `Moved up: shows ${listOfKeywords(shown[from] ?? [])}, which the job asks for`);
    if (skill.keywords !== undefined) skill.keywords = keywordListForward(skill.keywords, matcher, `/skills/${to}/keywords`, notes);
    return skill;
  });
}

function bringProjectKeywordsForward(resume: JsonResume, matcher: KeywordMatcher, notes: ReasonNotes): void {
  for (const [index, project] of (resume.projects ?? []).entries()) {
    if (project.keywords !== undefined) project.keywords = keywordListForward(project.keywords, matcher, `/projects/${index}/keywords`, notes);
  }
}

function keywordListForward(keywords: string[], matcher: KeywordMatcher, listPath: string, notes: ReasonNotes): string[] {
  const shown = keywords.map((keyword) => matcher.mentioned(keyword));
  return keywordsFirstOrder(shown.map((found) => found.length)).map((from, to) => {
    if (to < from) notes.add(`${listPath}/${to}`, `Moved up: shows ${listOfKeywords(shown[from] ?? [])}, which the job asks for`);
    return keywords[from] ?? '';
  });
}

function sectionReason(section: string, level: ExperienceLevel): string {
  if (level === '0-2') {
    if (section === 'education') return 'Education first: it carries most weight at 0-2 years';
    return 'Order for 0-2 years of experience: education, experience, projects, then skills';
  }
  if (section === 'work') return `Experience first: it carries most weight at ${level} years`;
  if (section === 'education') return `Education after experience, skills and projects: at ${level} years work carries more weight`;
  return `Order for ${level} years of experience: experience, skills, projects, then education`;
}

function isTechnicalCv(resume: JsonResume): boolean {
  return TECHNICAL_ROLE.test(resume.basics?.label ?? '') || (resume.work ?? []).some((entry) => TECHNICAL_ROLE.test(entry.position ?? ''));
}

function isTechnicalRole(entry: { position?: string }, technicalCv: boolean): boolean {
  return entry.position !== undefined && entry.position.trim() !== '' ? TECHNICAL_ROLE.test(entry.position) : technicalCv;
}

/** The CV's words for telling its language: bullets, summaries and titles, not names or links. */
function* textsOf(resume: JsonResume): Generator<string> {
  if (resume.basics?.summary !== undefined) yield resume.basics.summary;
  if (resume.basics?.label !== undefined) yield resume.basics.label;
  for (const { entry, highlights } of bulletLists(resume)) {
    yield* highlights;
    if (entry.summary !== undefined) yield entry.summary;
    if (entry.description !== undefined) yield entry.description;
    if (entry.position !== undefined) yield entry.position;
  }
  for (const education of resume.education ?? []) {
    if (education.area !== undefined) yield education.area;
    if (education.studyType !== undefined) yield education.studyType;
  }
}
