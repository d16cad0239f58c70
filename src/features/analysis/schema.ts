import { Type, type Static } from 'typebox';

// What the analysis page of the web client shows: an overall score, ATS compatibility, keyword
// match and feedback per section. Scores are whole numbers from 0 to 100 so a page binds them as is.

const Score = (description: string) => Type.Integer({ minimum: 0, maximum: 100, description });

export const KeywordFinding = Type.Object({
  keyword: Type.String({ description: 'as the job advert names it, e.g. "Node.js", "machine learning", "OEM"' }),
  /** Where the CV shows it: section names (`basics`, `work`, `skills`…); empty when missing. */
  found_in: Type.Array(Type.String()),
});

export const AtsCheck = Type.Object({
  id: Type.String({ description: 'stable name of the check, e.g. text_layer, section_headings, contact_details, date_formats, no_text_in_images, length' }),
  label: Type.String(),
  passed: Type.Boolean(),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning'), Type.Literal('info')]),
  detail: Type.String(),
});

export const SectionFeedbackItem = Type.Object({
  kind: Type.Union([Type.Literal('weak_verb'), Type.Literal('unquantified'), Type.Literal('tense'), Type.Literal('bullet_length')]),
  /** A JSON pointer into the structured CV, e.g. /work/0/highlights/2. */
  path: Type.String(),
  text: Type.String(),
  message: Type.String(),
});

export const SectionAnalysis = Type.Object({
  section: Type.String(),
  label: Type.String(),
  score: Score('how well the section reads: 100 with no feedback'),
  feedback: Type.Array(SectionFeedbackItem),
});

export const Fabrication = Type.Object({
  path: Type.String({ description: 'JSON pointer of the value the improver wrote' }),
  kind: Type.Union([
    Type.Literal('employer'),
    Type.Literal('job_title'),
    Type.Literal('school'),
    Type.Literal('degree'),
    Type.Literal('date'),
    Type.Literal('number'),
    Type.Literal('certification'),
    Type.Literal('url'),
    Type.Literal('skill'),
  ]),
  value: Type.String({ description: 'what the improver wrote, which neither the CV nor the questionnaire supports' }),
  reverted_to: Type.Union([Type.String(), Type.Null()], { description: 'the source value put back, or null when the item was removed' }),
});

export const CvAnalysisSchema = Type.Object(
  {
    overall_score: Score(
      '0.4 × content + 0.3 × ATS compatibility + 0.3 × keyword match, rounded; when the advert gives no keywords (keywords.total = 0), 4/7 × content + 3/7 × ATS compatibility',
    ),
    ats_compatibility: Score('share of ATS checks passed, errors weighing twice, informational checks not counted'),
    keyword_match: Score('keywords of the job advert the CV shows, in percent; 0, and not measured, when the advert gives none'),
    content_score: Score('mean of the section scores; 100 when no section has text to judge'),
    score_formula: Type.String({ description: 'the overall score’s formula in words, as applied to this analysis' }),
    keywords: Type.Object({
      total: Type.Integer({ minimum: 0, description: 'keywords read from the job advert (at most 40); 0 when it gave none' }),
      coverage: Type.Number({ minimum: 0, maximum: 1, description: 'found / total, to four decimals; 0 when total is 0' }),
      found: Type.Array(KeywordFinding, { description: 'in the order the advert names them' }),
      missing: Type.Array(KeywordFinding, { description: 'in the order the advert names them' }),
    }),
    ats_checks: Type.Array(AtsCheck),
    sections: Type.Array(SectionAnalysis, { description: 'work, volunteer and projects, those that have text to judge' }),
    /** Only on an improvement's analysis after: what the improver invented and was reverted. */
    fabrications: Type.Optional(Type.Array(Fabrication)),
    /** Only on an improvement's analysis after: keywords of the advert the CV has no evidence for; never added as claimed skills. */
    gaps: Type.Optional(Type.Array(Type.String())),
  },
  { $id: 'CvAnalysis' },
);

export type CvAnalysis = Static<typeof CvAnalysisSchema>;
export type KeywordFinding = Static<typeof KeywordFinding>;
export type Fabrication = Static<typeof Fabrication>;
export type AtsCheck = Static<typeof AtsCheck>;
export type SectionAnalysis = Static<typeof SectionAnalysis>;
