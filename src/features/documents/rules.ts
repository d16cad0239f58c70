import { defaultTemplateOptions, type TemplateOptions } from '../../infra/pdf/pdf-renderer.js';
import type { JsonResume } from '../../resume/json-resume.js';
import type { DocumentOptionsInput } from './schema.js';

/** Why a document job fails, by a code its owner may see. */
export const documentErrorCodes = ['missing_glyphs', 'cv_unavailable', 'improvement_failed', 'render_timeout'] as const;

export const DEFAULT_TEMPLATE = 'classic';

/** A document's layout as stored on its row; `language` is guessed from the CV when not asked for. */
export interface DocumentLayout {
  paper: TemplateOptions['paper'];
  accent: string;
  fontSize: number;
  language?: string;
  maxPages?: number;
}

/** The asked-for layout with defaults filled in (the template is checked by the caller). */
export function documentLayoutOf(input: DocumentOptionsInput): DocumentLayout {
  return {
    paper: input.paper === undefined ? defaultTemplateOptions.paper : input.paper === 'a4' ? 'a4' : 'us-letter',
    accent: (input.accent ?? defaultTemplateOptions.accent).toLowerCase(),
    fontSize: input.font_size ?? defaultTemplateOptions.fontSize,
    ...(input.language === undefined ? {} : { language: input.language.toLowerCase() }),
    ...(input.max_pages === undefined ? {} : { maxPages: input.max_pages }),
  };
}

/**
 * The download's file name: "<Name> CV.pdf", with nothing a file system would trip on and no
 * direction overrides (which can make "cv‮fdp.exe" look like a PDF); joiners stay, Persian needs them.
 */
export function documentFileName(resume: JsonResume): string {
  const name = (resume.basics?.name ?? '')
    .normalize('NFC')
    .replace(/[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069/\\:*?"<>|]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
  return name ? `${name} CV.pdf` : 'CV.pdf';
}
