import { Type, type Static } from 'typebox';
import { SanitisedText, SingleLine, nullable } from '../../http/common-schemas.js';

export const documentStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;

export const DOCUMENT_LIMITS = {
  /** `Prefer: wait=N` waits at most this long. */
  maxWaitSeconds: 60,
  maxPages: 10,
  /** Markdown sent to be rendered, in characters (the upstream's AI text was at most 10 000). */
  markdownMax: 50_000,
  fontSizeMin: 8,
  fontSizeMax: 12,
} as const;

/** How a document is laid out; every field is optional and has a default. */
export const DocumentOptionsInput = Type.Object({
  template: Type.Optional(SingleLine({ maxLength: 64, description: 'a name from GET /cv/templates/ (default classic)' })),
  paper: Type.Optional(Type.Union([Type.Literal('a4'), Type.Literal('us-letter'), Type.Literal('letter')], { description: 'a4 (default) or us-letter' })),
  accent: Type.Optional(Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'headings and rules, as #rrggbb' })),
  font_size: Type.Optional(Type.Number({ minimum: DOCUMENT_LIMITS.fontSizeMin, maximum: DOCUMENT_LIMITS.fontSizeMax, description: 'base size in points (default 10)' })),
  language: Type.Optional(Type.String({ pattern: '^[a-zA-Z]{2}$', description: 'ISO 639-1 code for the section headings; guessed from the CV when missing' })),
  max_pages: Type.Optional(
    Type.Integer({ minimum: 1, maximum: DOCUMENT_LIMITS.maxPages, description: 'a page budget: spacing and font size tighten first, then the oldest bullets go (listed in `dropped`)' }),
  ),
});
export type DocumentOptionsInput = Static<typeof DocumentOptionsInput>;

/** `POST /cv/questionnaire/{id}/documents/`: the layout, and optionally Markdown to render instead of the stored CV. */
export const QuestionnaireDocumentInput = Type.Object({
  ...DocumentOptionsInput.properties,
  // Cleaned like the questionnaire's text (HTML and control characters removed, line breaks kept); its limit is checked after.
  markdown: Type.Optional(SanitisedText('paragraphs', { maxLength: DOCUMENT_LIMITS.markdownMax * 2, description: 'a CV in Markdown, read into a structured CV and rendered instead of the stored one' })),
});
export type QuestionnaireDocumentInput = Static<typeof QuestionnaireDocumentInput>;

export const DocumentHeaders = Type.Object({
  prefer: Type.Optional(SingleLine({ maxLength: 200, description: 'RFC 7240; `wait=N` (N ≤ 60) waits for the PDF' })),
});

export const DocumentIdParams = Type.Object({ id: SingleLine({ maxLength: 30, description: 'document id' }) });

const ErrorState = Type.Object({ code: Type.String(), message: Type.String() });

export const DocumentWarningSchema = Type.Object({
  code: Type.String({ description: '`text_loss`: words of the CV missing from the PDF text; `over_page_budget`: still longer than max_pages' }),
  message: Type.String(),
  words: Type.Optional(Type.Array(Type.String())),
});

export const DroppedItemSchema = Type.Object({
  path: Type.String({ description: 'JSON pointer into the structured CV' }),
  section: Type.String(),
  text: Type.String(),
});

export const DocumentSchema = Type.Object({
  id: Type.Integer(),
  questionnaire: Type.Integer(),
  ai_response: nullable(Type.Integer()),
  source: Type.Unsafe<'improvement' | 'cv' | 'markdown'>({ type: 'string', enum: ['improvement', 'cv', 'markdown'], description: 'what was rendered' }),
  status: Type.Unsafe<(typeof documentStatuses)[number]>({ type: 'string', enum: [...documentStatuses] }),
  error: nullable(ErrorState),
  template: Type.String(),
  options: Type.Object({
    paper: Type.String(),
    accent: Type.String(),
    font_size: Type.Number(),
    language: nullable(Type.String({ description: 'null until the job has guessed it from the CV' })),
    max_pages: nullable(Type.Integer()),
  }),
  pages: nullable(Type.Integer()),
  bytes: nullable(Type.Integer()),
  text_recall: nullable(Type.Number({ description: 'share of the CV’s words found in the PDF’s text layer (1 = all)' })),
  warnings: Type.Array(DocumentWarningSchema),
  dropped: Type.Array(DroppedItemSchema),
  file_name: nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  completed_at: nullable(Type.String({ format: 'date-time' })),
  download_url: nullable(Type.String()),
  links: Type.Object({ self: Type.String(), download: Type.String(), questionnaire: Type.String(), ai_response: nullable(Type.String()) }),
});
export type DocumentBody = Static<typeof DocumentSchema>;

/** The upstream's answer to generate-pdf, `{"pdf_url"}`, with the document beside it. */
export const GeneratedPdfSchema = Type.Object({ pdf_url: Type.String(), document: DocumentSchema });

export const TemplateSchema = Type.Object({
  name: Type.String(),
  title: Type.String(),
  description: Type.String(),
  layout: Type.String(),
  preview_url: Type.String({ description: 'PNG of the first page, rendered from the sample CV' }),
});
