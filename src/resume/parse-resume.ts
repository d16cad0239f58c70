import type { JsonResume } from './json-resume.js';
import { JsonResume as JsonResumeSchema } from './json-resume.js';
import { parseBasics } from './parse/basics.js';
import { clipToSchema } from './parse/clip.js';
import { splitBullet } from './parse/blocks.js';
import { findDates } from './parse/dates.js';
import { classifyDocument } from './parse/document-kind.js';
import { parseEducation, parseWork } from './parse/entries.js';
import type { SectionKey } from './parse/headings.js';
import {
  parseAwards,
  parseCertificates,
  parseInterests,
  parseLanguages,
  parseProjects,
  parsePublications,
  parseReferences,
  parseSkills,
  parseSummary,
} from './parse/lists.js';
import { splitSections } from './parse/sections.js';
import { normaliseText, toLines, type CvLine } from './parse/text.js';

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

// Beyond this a text is not a CV anyone wrote by hand; the rest is ignored rather than parsed slowly.
const MAX_TEXT = 500_000;

const KIND_MESSAGES = {
  cover_letter: 'This reads like a cover letter rather than a CV; upload the CV itself for the best result.',
  job_advert: 'This reads like a job advert rather than a CV; upload your CV, and give the job separately.',
} as const;

/** Turns a CV's plain text into the JSON Resume schema, deterministically. */
export function parseResume(text: string): ParsedCv {
  if (text.trim() === '') return { resume: {}, warnings: [{ code: 'empty', message: 'The CV has no text.' }] };
  const lines = toLines(text.slice(0, MAX_TEXT));
  const { header, sections } = splitSections(lines);
  const linesOf = (key: SectionKey): CvLine[] => sections.filter((section) => section.key === key).flatMap((section) => section.lines);
  const has = (key: SectionKey) => sections.some((section) => section.key === key && section.lines.length > 0);

  const resume: JsonResume = {};
  const basics = parseBasics(header, lines, normaliseText(text.slice(0, MAX_TEXT)).split(/[\n\f]/));
  const summary = has('summary') ? parseSummary(linesOf('summary')) : undefined;
  if (summary !== undefined) basics.summary = summary;
  if (Object.keys(basics).length > 0) resume.basics = basics;

  const put = <K extends keyof JsonResume>(key: K, value: JsonResume[K] & unknown[]) => {
    if (value.length > 0) resume[key] = value;
  };
  put('work', parseWork(linesOf('work')));
  put(
    'volunteer',
    parseWork(linesOf('volunteer')).map(({ name, ...rest }) => ({ ...(name !== undefined ? { organization: name } : {}), ...rest })),
  );
  put('education', parseEducation(linesOf('education')));
  put('skills', parseSkills(linesOf('skills')));
  put('languages', parseLanguages(linesOf('languages')));
  put('projects', parseProjects(linesOf('projects')));
  put('certificates', parseCertificates(linesOf('certificates')));
  put('awards', parseAwards(linesOf('awards')));
  put('publications', parsePublications(linesOf('publications')));
  put('interests', parseInterests(linesOf('interests')));
  put('references', parseReferences(linesOf('references')));

  const warnings: CvWarning[] = [];
  const known = new Set(sections.filter((section) => section.key !== 'other').map((section) => section.key));
  // Periods of work and study stand on header lines; bullets are not searched (they are most of the text).
  const dateRanges = lines.filter((line) => line.text.length < 200 && splitBullet(line.text).bullet === '' && findDates(line.text)?.range === true).length;
  const kind = classifyDocument(lines.map((line) => line.text).join('\n'), { sections: known.size, dateRanges });
  if (kind.kind !== 'cv') warnings.push({ code: 'not_a_cv', message: KIND_MESSAGES[kind.kind], confidence: kind.notCvConfidence });
  if (known.size === 0) warnings.push({ code: 'no_sections', message: 'No section headings (experience, education, skills…) were recognised.' });
  if (basics.email === undefined && basics.phone === undefined) warnings.push({ code: 'no_contact', message: 'No e-mail address or phone number was found.' });
  return { resume: clipToSchema(resume, JsonResumeSchema), warnings };
}
