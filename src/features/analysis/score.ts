import type { AtsCheck, SectionAnalysis } from './schema.js';

// Weights in tenths, so that the overall score is computed in integers and rounds the same everywhere.
const CONTENT_WEIGHT = 4;
const ATS_WEIGHT = 3;
const KEYWORD_WEIGHT = 3;
const SEVERITY_WEIGHT: Record<AtsCheck['severity'], number> = { error: 2, warning: 1, info: 0 };

/** Share of the ATS checks passed, in percent: errors weigh twice, informational checks not at all (100 when none counts). */
export function atsCompatibilityScore(checks: readonly AtsCheck[]): number {
  let total = 0;
  let passed = 0;
  for (const check of checks) {
    total += SEVERITY_WEIGHT[check.severity];
    if (check.passed) passed += SEVERITY_WEIGHT[check.severity];
  }
  return total === 0 ? 100 : Math.round((100 * passed) / total);
}

/** Share of the advert's keywords the CV shows, in percent; 0 when the advert gave none (then it is not measured). */
export function keywordMatchScore(found: number, total: number): number {
  return total === 0 ? 0 : Math.round((100 * found) / total);
}

/** Mean of the section scores; 100 when no section had text to judge. */
export function contentScore(sections: readonly SectionAnalysis[]): number {
  if (sections.length === 0) return 100;
  return Math.round(sections.reduce((sum, section) => sum + section.score, 0) / sections.length);
}

export interface ScoreParts {
  content: number;
  ats: number;
  keyword: number;
  /** False when the advert gave no keywords: keyword match is then left out and the other weights scaled up. */
  keywordMeasured: boolean;
}

/** 0.4 × content + 0.3 × ATS + 0.3 × keyword match, rounded; without keywords, content and ATS in the same 4:3 proportion. */
export function overallScore(parts: ScoreParts): number {
  if (!parts.keywordMeasured) return Math.round((CONTENT_WEIGHT * parts.content + ATS_WEIGHT * parts.ats) / (CONTENT_WEIGHT + ATS_WEIGHT));
  return Math.round((CONTENT_WEIGHT * parts.content + ATS_WEIGHT * parts.ats + KEYWORD_WEIGHT * parts.keyword) / (CONTENT_WEIGHT + ATS_WEIGHT + KEYWORD_WEIGHT));
}

const PARTS =
  'ATS compatibility is the share of ATS checks passed, a failed error counting twice as much as a failed warning and informational checks not counted. ' +
  'Content is the mean of the section scores, each 100 less penalties for weak opening verbs, achievements without figures, tense and bullet length (100 when no section has text to judge).';

/** The overall score's formula in words, as the analysis reports it. */
export function scoreFormula(keywordMeasured: boolean): string {
  if (!keywordMeasured) {
    return (
      'Overall = 4/7 × content + 3/7 × ATS compatibility, rounded: the job advert gave no keywords to match, so keyword match (shown as 0) is left out and the other two keep their 40:30 proportion. ' +
      PARTS
    );
  }
  return `Overall = 0.4 × content + 0.3 × ATS compatibility + 0.3 × keyword match, rounded. Keyword match is the share of the job advert's keywords the CV shows. ${PARTS}`;
}
