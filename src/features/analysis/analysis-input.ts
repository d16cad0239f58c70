import type { DocumentType, ExtractionSource } from '../../infra/extract/extraction.js';
import type { JsonResume } from '../../resume/json-resume.js';

/** The job a CV is measured against: the questionnaire's answers. */
export interface AnalysisTarget {
  position: string;
  industry: string;
  experienceLevel: '0-2' | '3-5' | '6+';
  /** May be empty: then keyword match has nothing to measure and says so. */
  jobDescription: string;
}

/**
 * How a stored CV was read: a file's type, pages and OCR, or `json` for a JSON Resume imported. The
 * pages are unknown for a CV about to be rendered (an improvement's result): its length goes by words.
 */
export type AnalysisSource = Omit<ExtractionSource, 'type' | 'pages'> & { type: DocumentType | 'json'; pages?: number };

/** A CV as stored: its structure, its text, and how it was read (null when typed in). */
export interface AnalysisInput {
  resume: JsonResume;
  text: string;
  source: AnalysisSource | null;
  /** The extraction's warnings (not_a_cv, no_sections, no_contact…). */
  warnings: string[];
  target: AnalysisTarget;
}

/** The questionnaire answers and the stored CV an analysis reads, as the questionnaires feature keeps them. */
export function analysisInputOf(
  questionnaire: { position: string; industry: string; experienceLevel: string; jobDescription: string | null },
  cv: { resume: JsonResume; text: string; source: Record<string, unknown> | null; warnings: { code: string }[] },
): AnalysisInput {
  return {
    resume: cv.resume,
    text: cv.text,
    source: (cv.source as AnalysisSource | null) ?? null,
    warnings: cv.warnings.map((warning) => warning.code),
    target: {
      position: questionnaire.position,
      industry: questionnaire.industry,
      // The column's check constraint allows only these.
      experienceLevel: questionnaire.experienceLevel as AnalysisTarget['experienceLevel'],
      jobDescription: questionnaire.jobDescription ?? '',
    },
  };
}
