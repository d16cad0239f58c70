import type { JsonResume } from '../../resume/json-resume.js';
import type { AnalysisTarget } from './analysis-input.js';
import { resumeTexts, type ResumeText } from './resume-texts.js';
import type { KeywordFinding } from './schema.js';
import { findSkills, mayName, prepareText, skillFor, skillKey, vocabularySkill, vocabularySkills, type Skill, type SkillMatch } from './skill-matcher.js';
import { findUnlistedTerms, maskLinks } from './unlisted-terms.js';

/** At most this many keywords are read from one advert: beyond it the list stops telling what matters. */
export const MAX_KEYWORDS = 40;
// An advert longer than this is not read further (the form bounds it; this bounds the work).
const MAX_ADVERT = 20_000;

interface Candidate {
  keyword: string;
  index: number;
  fromVocabulary: boolean;
}

/**
 * The skills and keywords of a job advert, in the order they first appear, each once: the
 * vocabulary's skills and, where they stand in a list beside a skill, acronyms and product names the
 * vocabulary lacks. At most MAX_KEYWORDS; when there are more, the vocabulary's skills are kept first.
 */
export function extractJobKeywords(target: AnalysisTarget): string[] {
  const text = maskLinks(target.jobDescription.slice(0, MAX_ADVERT).normalize('NFKC'));
  if (text.trim() === '') return [];
  const prepared = prepareText(text);
  const matches = findSkills(prepared, vocabularySkills, false);
  const covered = (index: number, end: number) => overlapsAny(matches, index, end);

  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  for (const match of matches) {
    if (seen.has(match.skill.id)) continue;
    seen.add(match.skill.id);
    candidates.push({ keyword: match.display, index: match.index, fromVocabulary: true });
  }
  let unlisted = 0;
  for (const term of findUnlistedTerms(text, covered, (word) => vocabularySkill(word) !== undefined)) {
    const id = skillKey(term.term);
    if (seen.has(id)) continue;
    // Enough to fill the list: an advert of a thousand acronyms costs no more than one of forty.
    if (++unlisted > MAX_KEYWORDS) break;
    seen.add(id);
    // Accepted in a list, it may have been named before in prose ("SoC manufacturers and OEMs… partners: SoC, ODMs").
    const first = findSkills(prepared, [skillFor(term.term)], false)[0]?.index ?? term.index;
    candidates.push({ keyword: term.term, index: Math.min(first, term.index), fromVocabulary: false });
  }

  const kept = candidates.filter((candidate) => candidate.fromVocabulary).slice(0, MAX_KEYWORDS);
  kept.push(...candidates.filter((candidate) => !candidate.fromVocabulary).slice(0, MAX_KEYWORDS - kept.length));
  return kept.sort((a, b) => a.index - b.index || (a.keyword < b.keyword ? -1 : 1)).map((candidate) => candidate.keyword);
}

/** Whether a span overlaps one of the matches (sorted, without overlaps among themselves). */
function overlapsAny(matches: readonly SkillMatch[], index: number, end: number): boolean {
  let low = 0;
  let high = matches.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((matches[middle]?.end ?? 0) <= index) low = middle + 1;
    else high = middle;
  }
  return (matches[low]?.index ?? Infinity) < end;
}

function sectionsShowing(skill: Skill, texts: readonly ResumeText[]): string[] {
  const sections: string[] = [];
  for (const text of texts) {
    if (sections.at(-1) === text.section) continue;
    if (mayName(text, skill) && findSkills(text, [skill], text.listed).length > 0) sections.push(text.section);
  }
  return sections;
}

/** The top-level sections of the CV that show the keyword (basics, work, skills…), in CV order; empty when none does. */
export function keywordSections(keyword: string, resume: JsonResume): string[] {
  return sectionsShowing(skillFor(keyword), resumeTexts(resume));
}

/** Splits an advert's keywords into those the CV shows (with where) and those it does not, keeping their order. */
export function matchKeywords(keywords: string[], resume: JsonResume): { found: KeywordFinding[]; missing: KeywordFinding[] } {
  const texts = resumeTexts(resume);
  const found: KeywordFinding[] = [];
  const missing: KeywordFinding[] = [];
  for (const keyword of keywords) {
    const sections = sectionsShowing(skillFor(keyword), texts);
    (sections.length > 0 ? found : missing).push({ keyword, found_in: sections });
  }
  return { found, missing };
}
