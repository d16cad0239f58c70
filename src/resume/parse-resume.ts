import type { JsonResume } from './json-resume.js';

/** Something worth telling the owner about a CV's text; `not_a_cv` carries how sure it is. */
export interface CvWarning {
  code: string;
  message: string;
  confidence?: number;
}

export interface ParsedCv {
  resume: JsonResume;
  warnings: CvWarning[];
}

/** Turns a CV's plain text into the JSON Resume schema, deterministically. */
export function parseResume(text: string): ParsedCv {
  return { resume: {}, warnings: text.trim() === '' ? [{ code: 'empty', message: 'The CV has no text.' }] : [] };
}
