import { Value } from 'typebox/value';
import type { JsonValidation } from '../../infra/llm/structured-output.js';
import { JsonResume } from '../../resume/json-resume.js';
import type { ChangeReasons } from './improver.js';

// The answer a model gives: the improved CV in JSON Resume's field names, and why it changed what.
// Written for OpenAI's strict structured outputs, the narrowest of the providers' schema modes:
// every object lists all its properties as required and allows no others, a value that may be
// absent is nullable instead, and no keyword outside the supported subset appears (no pattern,
// format, length or item limits; the limits are checked after parsing, against JsonResume).
// Contact details are not part of it: they travel as placeholders and are put back from the source.

export const IMPROVEMENT_OUTPUT_NAME = 'improved_cv';

type JsonSchema = Record<string, unknown>;

const text = (description: string): JsonSchema => ({ type: ['string', 'null'], description });
const date = (what: string): JsonSchema => ({
  type: ['string', 'null'],
  description: `${what}: YYYY-MM-DD, YYYY-MM or YYYY, exactly as in the source CV; null when the CV has none (an ongoing role has no end date)`,
});
const list = (items: JsonSchema, description: string): JsonSchema => ({ type: 'array', items, description });
const texts = (description: string): JsonSchema => list({ type: 'string' }, description);
const object = (properties: Record<string, JsonSchema>, description?: string): JsonSchema => ({
  type: 'object',
  ...(description ? { description } : {}),
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});
const url = text('URL or URL placeholder such as [URL_1], unchanged from the source; null when none');

const work = object({
  name: text('employer, exactly as in the source'),
  position: text('job title, exactly as in the source'),
  location: text('where the job was'),
  description: text('what the employer does'),
  url,
  startDate: date('start'),
  endDate: date('end'),
  summary: text('the role in a sentence or two'),
  highlights: texts('achievements, one per item, starting with a strong verb'),
});

const volunteer = object({
  organization: text('organisation, exactly as in the source'),
  position: text('role, exactly as in the source'),
  url,
  startDate: date('start'),
  endDate: date('end'),
  summary: text('the role in a sentence or two'),
  highlights: texts('achievements, one per item'),
});

const education = object({
  institution: text('school or university, exactly as in the source'),
  url,
  area: text('field of study, exactly as in the source'),
  studyType: text('degree, exactly as in the source'),
  startDate: date('start'),
  endDate: date('end'),
  score: text('grade, exactly as in the source'),
  courses: texts('courses'),
});

const skill = object({
  name: text('skill or group of skills'),
  level: text('level, as in the source'),
  keywords: texts('skills the source CV shows'),
});

const project = object({
  name: text('project name'),
  description: text('what the project is'),
  highlights: texts('achievements, one per item'),
  keywords: texts('technologies the source CV names for it'),
  startDate: date('start'),
  endDate: date('end'),
  url,
  roles: texts('roles held'),
  entity: text('organisation the project was for'),
  type: text('kind of project'),
});

const certificate = object({ name: text('certification, exactly as in the source'), date: date('date'), url, issuer: text('issuer, exactly as in the source') });
const award = object({ title: text('award, exactly as in the source'), date: date('date'), awarder: text('who gave it'), summary: text('what it was for') });
const language = object({ language: text('language'), fluency: text('fluency, as in the source') });
const publication = object({ name: text('title'), publisher: text('publisher'), releaseDate: date('release date'), url, summary: text('what it is about') });
const interest = object({ name: text('interest'), keywords: texts('details') });

/** The JSON schema of the improver's answer: `{ resume, changes }`, strict-mode compatible. */
export const improvementOutputSchema: JsonSchema = object({
  resume: object(
    {
      basics: object({ label: text('professional headline'), summary: text('profile paragraph') }, 'contact details are not written here: they are kept as they are'),
      work: list(work, 'jobs, most relevant first or as in the source'),
      volunteer: list(volunteer, 'volunteering'),
      education: list(education, 'education'),
      skills: list(skill, 'skills'),
      projects: list(project, 'projects'),
      certificates: list(certificate, 'certifications'),
      awards: list(award, 'awards'),
      languages: list(language, 'languages spoken'),
      publications: list(publication, 'publications'),
      interests: list(interest, 'interests'),
    },
    'the improved CV; an empty list for a section the source CV does not have',
  ),
  changes: list(
    object({
      path: { type: 'string', description: 'JSON pointer into the improved resume, e.g. /work/0/highlights/1' },
      reason: { type: 'string', description: 'why this was changed, in one sentence' },
    }),
    'one item per changed value',
  ),
});

const DATE_FIELDS = new Set(['startDate', 'endDate', 'date', 'releaseDate']);
// What models write for an ongoing period: JSON Resume leaves the end date out instead.
const ONGOING = /^(?:present|current|now|ongoing|today|heute|aujourd'hui|actualidad|actual)$/i;
const MAX_PROBLEMS = 5;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Nulls, blank strings, empty lists and empty objects dropped; strings trimmed; "Present" end dates dropped. */
function normalise(value: Json, key?: string): Json | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '' || (key !== undefined && DATE_FIELDS.has(key) && ONGOING.test(trimmed))) return undefined;
    return trimmed;
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => normalise(item)).filter((item): item is Json => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([name, item]) => [name, normalise(item, name)] as const)
      .filter((entry): entry is readonly [string, Json] => entry[1] !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  return value;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One validation error in words a model can act on. */
function describeError(error: { instancePath: string; keyword: string; message: string; params: unknown }): string {
  const path = `/resume${error.instancePath}`;
  const field = error.instancePath.split('/').pop() ?? '';
  const limit = isRecord(error.params) && typeof error.params.limit === 'number' ? error.params.limit : undefined;
  if (error.keyword === 'pattern' && DATE_FIELDS.has(field)) return `${path} must be a date written YYYY-MM-DD, YYYY-MM or YYYY, or null when unknown or ongoing`;
  if (error.keyword === 'pattern') return `${path} holds a control character; remove it`;
  if (error.keyword === 'maxLength') return `${path} is too long${limit !== undefined ? `: at most ${limit} characters` : ''}`;
  if (error.keyword === 'maxItems') return `${path} has too many items${limit !== undefined ? `: at most ${limit}` : ''}`;
  return `${path} ${error.message}`;
}

/** The reasons the model gave, by JSON pointer; reasons given twice for one path are joined. */
function readReasons(changes: unknown): ChangeReasons | string {
  if (changes === undefined || changes === null) return {};
  if (!Array.isArray(changes)) return '/changes must be a list of {"path", "reason"} objects';
  const reasons: ChangeReasons = {};
  for (const change of changes) {
    if (!isRecord(change) || typeof change.path !== 'string' || typeof change.reason !== 'string') continue;
    const reason = change.reason.trim();
    const trimmed = change.path.trim();
    if (reason === '' || trimmed === '') continue;
    const path = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
    reasons[path] = reasons[path] ? `${reasons[path]}; ${reason}` : reason;
  }
  return reasons;
}

/**
 * Reads the improver's answer: normalised (nulls dropped, strings trimmed) and checked against
 * JsonResume; what is wrong is said with the path of the first few errors, for the repair round.
 */
export function parseImprovementOutput(value: unknown): JsonValidation<{ resume: JsonResume; reasons: ChangeReasons }> {
  if (!isRecord(value)) return { ok: false, problems: 'The answer must be a JSON object with "resume" and "changes".' };
  const rawResume = value.resume;
  if (!isRecord(rawResume)) return { ok: false, problems: 'The answer has no "resume" object: put the improved CV under "resume".' };
  const reasons = readReasons(value.changes);
  if (typeof reasons === 'string') return { ok: false, problems: reasons };

  const resume = (normalise(rawResume as Json) ?? {}) as JsonResume;
  if (!Value.Check(JsonResume, resume)) {
    const errors = Value.Errors(JsonResume, resume);
    const listed = errors.slice(0, MAX_PROBLEMS).map(describeError);
    // The validator stops counting after a while: say there are more, not how many.
    const more = errors.length > MAX_PROBLEMS ? ' (and more)' : '';
    return { ok: false, problems: `The resume does not follow the schema: ${listed.join('; ')}${more}.` };
  }
  return { ok: true, value: { resume, reasons } };
}
