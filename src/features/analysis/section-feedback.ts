import type { JsonResume } from '../../resume/json-resume.js';
import { asOpening, hasQuantity, openingVerb, pastOf, weakOpening } from './bullet-language.js';
import { countWords } from './word-count.js';
import type { SectionAnalysis } from './schema.js';

type FeedbackItem = SectionAnalysis['feedback'][number];
type FeedbackKind = FeedbackItem['kind'];

// What each finding costs a section's score, and the most one kind may cost in all: a long section
// is not sunk by one habit repeated, and every kind still counts.
const PENALTIES: Record<FeedbackKind, { each: number; most: number }> = {
  weak_verb: { each: 8, most: 32 },
  unquantified: { each: 4, most: 24 },
  tense: { each: 4, most: 20 },
  bullet_length: { each: 3, most: 24 },
};
const MAX_BULLET_WORDS = 35;
const MIN_BULLET_WORDS = 4;
// Feedback shown per section at most; the score counts every finding.
const MAX_FEEDBACK = 100;

/** When an entry's role ran: ongoing (a start, no end), ended, or unknown (no dates). */
type Period = 'current' | 'ended' | 'unknown';

interface Entry {
  period: Period;
  /** Bullets: each judged on its own, length included. */
  bullets: { path: string; text: string }[];
  /** Paragraphs (a summary, a description): judged sentence by sentence, and for figures as a whole. */
  paragraphs: { path: string; text: string }[];
}

interface DatedText {
  startDate?: string;
  endDate?: string;
  summary?: string;
  description?: string;
  highlights?: string[];
}

const SECTIONS = [
  { section: 'work', label: 'Work experience', judgesTense: true },
  { section: 'volunteer', label: 'Volunteering', judgesTense: true },
  { section: 'projects', label: 'Projects', judgesTense: false },
] as const;

function entriesOf(items: readonly DatedText[], section: string, judgesTense: boolean): Entry[] {
  return items.map((item, i) => {
    const period: Period = !judgesTense || item.startDate === undefined ? 'unknown' : item.endDate === undefined ? 'current' : 'ended';
    const paragraphs = (['summary', 'description'] as const)
      .filter((field) => (item[field] ?? '').trim() !== '')
      .map((field) => ({ path: `/${section}/${i}/${field}`, text: item[field] ?? '' }));
    const bullets = (item.highlights ?? []).map((text, j) => ({ path: `/${section}/${i}/highlights/${j}`, text })).filter((bullet) => bullet.text.trim() !== '');
    return { period, bullets, paragraphs };
  });
}

/** A paragraph's sentences: its lines (often bullets that lost their marks) split at full stops. */
function sentences(paragraph: string): string[] {
  return paragraph
    .split('\n')
    .flatMap((line) => line.split(/(?<=[.!?])\s+(?=\p{Lu})/u))
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}

function openingFeedback(path: string, text: string, period: Period): FeedbackItem[] {
  const items: FeedbackItem[] = [];
  const weak = weakOpening(text);
  if (weak) {
    items.push({ kind: 'weak_verb', path, text, message: `Opens with "${weak.phrase}", which tells duties rather than results: start with a strong verb, such as ${weak.instead}, and say what came of it.` });
  }
  const verb = openingVerb(text);
  if (verb && period === 'current' && verb.form === 'past') {
    items.push({ kind: 'tense', path, text, message: `This role is ongoing: write it in the present tense ("${asOpening(verb.base)}" rather than "${verb.word}").` });
  } else if (verb && period === 'ended' && verb.form === 'present') {
    items.push({ kind: 'tense', path, text, message: `This role has ended: write it in the past tense ("${asOpening(pastOf(verb.base))}" rather than "${verb.word}").` });
  }
  return items;
}

const UNQUANTIFIED_MESSAGE = 'Add a figure that shows the result or the scale: how much, how many, how fast (e.g. "cut load time by 30%", "for 12 clients").';

/** Whether a text tells of something done (it opens with a verb) and so could say how much. */
const tellsAnAchievement = (text: string) => openingVerb(text) !== undefined || weakOpening(text) !== undefined;

function entryFeedback(entry: Entry): FeedbackItem[] {
  const items: FeedbackItem[] = [];
  for (const paragraph of entry.paragraphs) {
    const parts = sentences(paragraph.text);
    for (const sentence of parts) items.push(...openingFeedback(paragraph.path, sentence, entry.period));
    if (parts.some(tellsAnAchievement) && !hasQuantity(paragraph.text)) {
      items.push({ kind: 'unquantified', path: paragraph.path, text: paragraph.text, message: UNQUANTIFIED_MESSAGE });
    }
  }
  for (const bullet of entry.bullets) {
    items.push(...openingFeedback(bullet.path, bullet.text, entry.period));
    if (tellsAnAchievement(bullet.text) && !hasQuantity(bullet.text)) {
      items.push({ kind: 'unquantified', path: bullet.path, text: bullet.text, message: UNQUANTIFIED_MESSAGE });
    }
    const words = countWords(bullet.text);
    if (words > MAX_BULLET_WORDS) {
      items.push({ kind: 'bullet_length', path: bullet.path, text: bullet.text, message: `This bullet runs to ${words} words: keep it under ${MAX_BULLET_WORDS} (two lines) by leading with the result and cutting the context.` });
    } else if (words < MIN_BULLET_WORDS) {
      items.push({ kind: 'bullet_length', path: bullet.path, text: bullet.text, message: `This bullet has only ${words} ${words === 1 ? 'word' : 'words'}: say what you did and what came of it.` });
    }
  }
  return items;
}

/** A section's score: 100 less the penalties of its findings (each kind capped), never below 0. */
export function sectionScore(feedback: readonly FeedbackItem[]): number {
  let penalty = 0;
  for (const [kind, { each, most }] of Object.entries(PENALTIES) as [FeedbackKind, { each: number; most: number }][]) {
    penalty += Math.min(most, each * feedback.filter((item) => item.kind === kind).length);
  }
  return Math.max(0, 100 - penalty);
}

/**
 * Feedback on how the CV's experience reads: work, volunteering and projects, bullet by bullet and
 * summary by summary. A section the CV lacks, or whose entries have no text, gets no entry: there is
 * nothing to judge (a missing section is the ATS checks' concern).
 */
export function analyseSections(resume: JsonResume): SectionAnalysis[] {
  const analyses: SectionAnalysis[] = [];
  for (const { section, label, judgesTense } of SECTIONS) {
    const entries = entriesOf(resume[section] ?? [], section, judgesTense);
    if (!entries.some((entry) => entry.bullets.length > 0 || entry.paragraphs.length > 0)) continue;
    const feedback = entries.flatMap(entryFeedback);
    analyses.push({ section, label, score: sectionScore(feedback), feedback: feedback.slice(0, MAX_FEEDBACK) });
  }
  return analyses;
}
