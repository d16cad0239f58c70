import type { JsonResume } from '../../resume/json-resume.js';
import { quotedPhrases, strengthenSentences } from './action-verbs.js';
import { cleanBullet, prevailingPeriodStyle, withCapital, withPeriodStyle, type CleanBullet, type PeriodStyle } from './bullet-style.js';
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

// Titles of people who build software: for them "worked on the billing service" means developed it.
const TECHNICAL_ROLE =
  /\b(?:(?:software|web|app|mobile|game|full[- ]?stack|front[- ]?end|back[- ]?end|ml)\b|developer|engineer|programmer|architect|devops|sre\b|coder|tech lead|cto\b|machine learning|data scien)/i;

/** The rewriting the offline improver does, without the Improver's envelope: the same request gives the same CV and reasons. */
export function improveResume(request: Pick<ImprovementRequest, 'resume' | 'target' | 'keywordsFound'>): { resume: JsonResume; reasons: ChangeReasons } {
  const resume = structuredClone(request.resume);
  const notes = new ReasonNotes();
  const english = looksEnglish(textsOf(resume));
  const matcher = keywordMatcher(request.keywordsFound.map((finding) => finding.keyword));
  const technicalCv = isTechnicalCv(resume);

  // One period style for the whole CV: the one most of its bullets already have.
  const lists = [...bulletLists(resume)].map((list) => ({ ...list, cleaned: list.highlights.map(cleanBullet) }));
  const periodStyle = prevailingPeriodStyle(lists.flatMap((list) => list.cleaned.map((bullet) => bullet.text)));
  for (const list of lists) improveBulletList(list, { english, matcher, periodStyle, technicalCv }, notes);

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

interface ListContext {
  english: boolean;
  matcher: KeywordMatcher;
  periodStyle: PeriodStyle;
  technicalCv: boolean;
}

/** One entry's bullets styled, reworded and reordered, and its summary or description strengthened. */
function improveBulletList(list: BulletList & { cleaned: CleanBullet[] }, context: ListContext, notes: ReasonNotes): void {
  const { section, index, entry, highlights } = list;
  const role = roleTense(section, entry, highlights);
  const technical = section === 'projects' ? context.technicalCv : isTechnicalRole(entry, context.technicalCv);
  const bullets = list.cleaned
    .map((bullet, position) => {
      const reasons: string[] = [];
      if (bullet.removedMark) reasons.push('Bullet mark removed from the text');
      if (bullet.collapsedSpaces) reasons.push('Extra spaces removed');
      const text = context.english ? styleEnglishBullet(bullet.text, { role, technical, periodStyle: context.periodStyle }, reasons) : bullet.text;
      // Keywords are looked for in the person's own words, never in a rewrite.
      return { text, keywords: context.matcher.mentioned(highlights[position] ?? ''), reasons };
    })
    .filter((bullet) => bullet.text !== '');
  const order = keywordsFirstOrder(bullets.map((bullet) => bullet.keywords.length));
  const result = order.flatMap((from, to) => {
    const bullet = bullets[from];
    if (bullet === undefined) return [];
    if (to < from) bullet.reasons.push(`Moved up: shows ${listOfKeywords(bullet.keywords)}, which the job asks for`);
    if (!hasNumber(bullet.text)) bullet.reasons.push(QUANTIFY_PROMPT);
    notes.add(`/${section}/${index}/highlights/${to}`, ...bullet.reasons);
    return [bullet.text];
  });
  if (entry.highlights !== undefined) entry.highlights = result;
  if (context.english) strengthenParagraph(entry, section === 'projects' ? 'description' : 'summary', `/${section}/${index}`, { tense: role.tense, technical }, notes);
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

/** A step of styling a bullet: the new text and why, or undefined when it has nothing to change. */
type BulletStep = (text: string) => { text: string; reason: string } | undefined;

function styleEnglishBullet(text: string, context: { role: RoleTense; technical: boolean; periodStyle: PeriodStyle }, reasons: string[]): string {
  const { role, technical, periodStyle } = context;
  let openingRewritten = false;
  const steps: BulletStep[] = [
    (current) => {
      const stronger = strengthenSentences(current, { tense: role.tense, technical });
      openingRewritten = stronger.firstChanged;
      return stronger.weakPhrases.length === 0 ? undefined : { text: stronger.text, reason: `Starts with a strong action verb instead of ${quotedPhrases(stronger.weakPhrases)}` };
    },
    // A rewritten opening is in the role's tense already; an undated role's tense is only a guess.
    (current) =>
      openingRewritten || !role.dated
        ? undefined
        : { text: withLeadingTense(current, role.tense), reason: role.tense === 'past' ? 'Past tense, as for a past role' : 'Present tense, as for the current role' },
    (current) => ({ text: withCapital(current), reason: 'Starts with a capital letter' }),
    (current) => ({
      text: withPeriodStyle(current, periodStyle),
      reason: periodStyle === 'period' ? 'Ends with a period, as most bullets do' : 'No final period, as most bullets have none',
    }),
  ];
  let result = text;
  for (const step of steps) {
    const next = step(result);
    // A step that would take the bullet past the schema's bound is not made.
    if (next === undefined || next.text === result || next.text.length > MAX_PARAGRAPH) continue;
    result = next.text;
    reasons.push(next.reason);
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
