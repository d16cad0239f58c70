import { Type, type Static } from 'typebox';
import { SanitisedText, SingleLine, nullable } from '../../http/common-schemas.js';
import { FileField } from '../../http/uploads.js';
import { extractionErrorCodes } from '../../infra/extract/extraction.js';
import { MULTI_LINE_PATTERN } from '../../lib/text-patterns.js';
import type { JsonResume } from '../../resume/json-resume.js';
import { QUESTIONNAIRE_LIMITS, applicationTimelines, companySizes, experienceLevels } from './rules.js';

const choice = <T extends string>(values: readonly T[], description: string) => Type.Unsafe<T>({ type: 'string', enum: [...values], description });

export const extractionStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;

/** Why reading the upload failed: a stable code and a message for its owner. */
export const ExtractionErrorSchema = Type.Object({
  code: Type.Unsafe<string>({ type: 'string', enum: [...extractionErrorCodes, 'internal_error'] }),
  message: Type.String(),
});

/** The upstream's questionnaire object, plus the state of its upload. */
export const QuestionnaireSchema = Type.Object({
  id: Type.Integer(),
  user: Type.Integer(),
  position: Type.String(),
  industry: Type.String(),
  experience_level: choice(experienceLevels, 'years of experience'),
  company_size: choice(companySizes, 'size of the target company'),
  location: nullable(Type.String()),
  application_timeline: choice(applicationTimelines, 'when the person means to apply'),
  job_description: nullable(Type.String()),
  submitted_at: Type.String({ format: 'date-time' }),
  resume: nullable(Type.String({ format: 'uri', description: 'where its owner downloads the uploaded CV' })),
  resume_file_name: nullable(Type.String({ description: 'the name the file was uploaded under (a label only)' })),
  resume_type: nullable(choice(['pdf', 'docx', 'txt'] as const, 'the type read from the file’s bytes')),
  resume_size: nullable(Type.Integer({ description: 'bytes' })),
  extraction_status: nullable(choice(extractionStatuses, 'reading the uploaded CV; null without an upload')),
  extraction_error: nullable(ExtractionErrorSchema),
  cv: nullable(Type.String({ format: 'uri', description: 'the CV as text and as a structured CV, once there is one' })),
});
export type QuestionnaireBody = Static<typeof QuestionnaireSchema>;

const resumeField = () =>
  Type.Union([FileField('a PDF, DOCX or TXT file of at most 10 MiB (multipart)'), Type.Null(), SingleLine({ maxLength: 2000 })], {
    description: 'the CV file (multipart); null or "" removes it',
  });

const textFields = {
  position: SanitisedText('line', { maxLength: QUESTIONNAIRE_LIMITS.rawLine, description: `at most ${QUESTIONNAIRE_LIMITS.line} characters once cleaned` }),
  industry: SanitisedText('line', { maxLength: QUESTIONNAIRE_LIMITS.rawLine, description: `at most ${QUESTIONNAIRE_LIMITS.line} characters once cleaned` }),
  location: SanitisedText('line', { maxLength: QUESTIONNAIRE_LIMITS.rawLine, description: `optional, may be blank; at most ${QUESTIONNAIRE_LIMITS.line} characters once cleaned` }),
  job_description: SanitisedText('paragraphs', {
    maxLength: QUESTIONNAIRE_LIMITS.rawJobDescription,
    description: `optional, may be blank; at most ${QUESTIONNAIRE_LIMITS.jobDescription} characters once cleaned`,
  }),
};

const choiceFields = {
  experience_level: choice(experienceLevels, 'years of experience'),
  company_size: choice(companySizes, 'size of the target company'),
  application_timeline: choice(applicationTimelines, 'when the person means to apply'),
};

/** POST and PUT: every required field; JSON, form or multipart. */
export const QuestionnaireInput = Type.Object(
  {
    position: textFields.position,
    industry: textFields.industry,
    ...choiceFields,
    location: Type.Optional(textFields.location),
    job_description: Type.Optional(textFields.job_description),
    resume: Type.Optional(resumeField()),
  },
  { additionalProperties: false },
);
export type QuestionnaireInput = Static<typeof QuestionnaireInput>;

/** PATCH: any subset. */
export const QuestionnairePatch = Type.Partial(QuestionnaireInput, { additionalProperties: false });
export type QuestionnairePatch = Static<typeof QuestionnairePatch>;

export const IdParams = Type.Object({ id: SingleLine({ maxLength: 30, description: 'questionnaire id' }) });

export const CvWarningSchema = Type.Object({ code: Type.String(), message: Type.String(), confidence: Type.Optional(Type.Number()) });

export const CvSourceSchema = Type.Object({
  type: choice(['pdf', 'docx', 'txt', 'json'] as const, 'what the CV was read from'),
  pages: Type.Integer(),
  ocr: Type.Optional(Type.Object({ confidence: Type.Number({ description: 'mean word confidence, 0–100' }), languages: Type.Array(Type.String()) })),
});

/** A questionnaire's CV: the text as read, the structured CV, and what to know about both. */
export const CvSchema = Type.Object({
  text: Type.String(),
  resume: Type.Unsafe<JsonResume>(Type.Ref('JsonResume')),
  warnings: Type.Array(CvWarningSchema),
  source: nullable(CvSourceSchema),
  origin: choice(['extracted', 'edited', 'imported'] as const, 'read from the upload, corrected by its owner, or imported'),
  updated_at: Type.String({ format: 'date-time' }),
});
export type CvBody = Static<typeof CvSchema>;

export const CvQuery = Type.Object({ format: Type.Optional(choice(['jsonresume'] as const, 'the structured CV alone, as a JSON Resume document')) });

/** PUT of a corrected CV: the structured CV, and the text if it changed too. */
export const CvUpdate = Type.Object(
  { resume: Type.Unsafe<JsonResume>(Type.Ref('JsonResume')), text: Type.Optional(Type.String({ maxLength: 200_000, pattern: MULTI_LINE_PATTERN })) },
  { additionalProperties: false },
);
