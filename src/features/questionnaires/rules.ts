/** The upstream's choices, unchanged: its web client sends exactly these. */
export const experienceLevels = ['0-2', '3-5', '6+'] as const;
export const companySizes = ['startup', 'small', 'medium', 'enterprise'] as const;
export const applicationTimelines = ['immediate', '1-3 months', '3-6 months', '6+ months'] as const;

export const QUESTIONNAIRE_LIMITS = {
  /** Position, industry and location, once cleaned. */
  line: 255,
  jobDescription: 5000,
  /** What a field may be before cleaning (markup pasted in with the text): bounds the work, not the result. */
  rawLine: 2550,
  rawJobDescription: 50_000,
  /** The largest CV file. */
  maxFileBytes: 10 * 1024 * 1024,
} as const;
