import type { AnalysisInput } from './analysis-input.js';
import { runAtsChecks } from './ats-checks.js';
import { extractJobKeywords, matchKeywords } from './keywords.js';
import type { CvAnalysis } from './schema.js';
import { atsCompatibilityScore, contentScore, keywordMatchScore, overallScore, scoreFormula } from './score.js';
import { analyseSections } from './section-feedback.js';

/**
 * Measures a CV against a job, without a language model: the advert's keywords the CV shows, ATS
 * checks, feedback per section and the scores. Pure: the same input gives the same output, byte for byte.
 */
export function analyseCv(input: AnalysisInput): CvAnalysis {
  const keywords = extractJobKeywords(input.target);
  const { found, missing } = matchKeywords(keywords, input.resume);
  const checks = runAtsChecks(input);
  const sections = analyseSections(input.resume);

  const keywordMeasured = keywords.length > 0;
  const ats = atsCompatibilityScore(checks);
  const keyword = keywordMatchScore(found.length, keywords.length);
  const content = contentScore(sections);
  return {
    overall_score: overallScore({ content, ats, keyword, keywordMeasured }),
    ats_compatibility: ats,
    keyword_match: keyword,
    content_score: content,
    score_formula: scoreFormula(keywordMeasured),
    keywords: {
      total: keywords.length,
      // Four decimals: enough for any display, and the same digits on every run.
      coverage: keywordMeasured ? Math.round((found.length / keywords.length) * 10_000) / 10_000 : 0,
      found,
      missing,
    },
    ats_checks: checks,
    sections,
  };
}
