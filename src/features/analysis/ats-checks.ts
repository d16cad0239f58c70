import type { JsonResume } from '../../resume/json-resume.js';
import type { AnalysisInput, AnalysisTarget } from './analysis-input.js';
import type { AtsCheck } from './schema.js';
import { countWords } from './word-count.js';

type Source = AnalysisInput['source'];
type ExperienceLevel = AnalysisTarget['experienceLevel'];

// A check's severity is fixed, whatever its outcome, so that the ATS score weighs each check the same
// way on every CV; `info` marks a check that does not apply (no file was read) and is not counted.

/** Whether the CV came as a file whose text an ATS would read (not typed in, not imported as JSON). */
export const isFile = (source: Source): source is NonNullable<Source> => source !== null && source.type !== 'json';

const FILE_NAMES: Record<string, string> = { pdf: 'PDF', docx: 'Word document', txt: 'text file' };

/** The file holds its text as text: not recognised by OCR from images of pages, not missing. */
export function checkTextLayer(source: Source, warnings: readonly string[]): AtsCheck {
  const check = { id: 'text_layer', label: 'Selectable text' } as const;
  if (warnings.some((code) => code.startsWith('no_text'))) {
    return { ...check, passed: false, severity: 'error', detail: 'The file has no selectable text, so an ATS reads nothing. Upload the PDF exported from your word processor, or the Word document itself.' };
  }
  if (!isFile(source)) {
    return { ...check, passed: true, severity: 'info', detail: 'The CV was typed in or imported, not read from a file: there is no text layer to check.' };
  }
  if (source.ocr) {
    return {
      ...check,
      passed: false,
      severity: 'error',
      detail: `The text was recognised from images of the pages (OCR, ${Math.round(source.ocr.confidence)}% confidence): most ATS do not run OCR and would read nothing. Upload a PDF exported from your word processor, or the Word document.`,
    };
  }
  return { ...check, passed: true, severity: 'error', detail: `The ${FILE_NAMES[source.type] ?? 'file'} carries its text as text, which an ATS can read.` };
}

/** No page had to be read from images: text in pictures is invisible to an ATS. */
export function checkNoTextInImages(source: Source): AtsCheck {
  const check = { id: 'no_text_in_images', label: 'No text in images' } as const;
  if (!isFile(source)) {
    return { ...check, passed: true, severity: 'info', detail: 'The CV was typed in or imported, not read from a file: no images to check.' };
  }
  if (source.ocr) {
    return {
      ...check,
      passed: false,
      severity: 'warning',
      detail: 'Some of the text was only in images (scanned pages or pictures of text). Put every word in the document as text; keep images for a photo or a logo.',
    };
  }
  return { ...check, passed: true, severity: 'warning', detail: 'No page had to be read from images: all the text is real text.' };
}

const STANDARD_SECTIONS = [
  { key: 'work', name: 'Experience' },
  { key: 'education', name: 'Education' },
  { key: 'skills', name: 'Skills' },
] as const;

/** The CV has the sections an ATS files a CV by: experience, education and skills. */
export function checkSectionHeadings(resume: JsonResume, warnings: readonly string[]): AtsCheck {
  const check = { id: 'section_headings', label: 'Standard section headings', severity: 'error' } as const;
  if (warnings.includes('no_sections')) {
    return { ...check, passed: false, detail: 'No standard section heading was recognised. Head your sections "Experience", "Education" and "Skills" so that an ATS can file what is under them.' };
  }
  const missing = STANDARD_SECTIONS.filter(({ key }) => (resume[key]?.length ?? 0) === 0).map(({ name }) => name);
  if (missing.length > 0) {
    return {
      ...check,
      passed: false,
      detail: `No ${listWords(missing, 'or')} section was found. Give each its own heading with a standard name ("Experience", "Education", "Skills"): an ATS looks for them.`,
    };
  }
  return { ...check, passed: true, detail: 'Experience, Education and Skills sections were all found under standard headings.' };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIN_PHONE_DIGITS = 7;

/** An e-mail address and a phone number stand in the CV's header. */
export function checkContactDetails(resume: JsonResume, warnings: readonly string[]): AtsCheck {
  const check = { id: 'contact_details', label: 'Contact details', severity: 'error' } as const;
  const email = resume.basics?.email?.trim() ?? '';
  const phoneDigits = (resume.basics?.phone ?? '').replace(/\D/g, '').length;
  const noContact = warnings.includes('no_contact');
  const missing = [
    ...(noContact || !EMAIL.test(email) ? [{ noun: 'e-mail address', article: 'an' }] : []),
    ...(noContact || phoneDigits < MIN_PHONE_DIGITS ? [{ noun: 'phone number', article: 'a' }] : []),
  ];
  if (missing.length > 0) {
    const nouns = missing.map(({ noun }) => noun).join(' or ');
    const wanted = missing.map(({ noun, article }) => `${article} ${noun}`).join(' and ');
    return { ...check, passed: false, detail: `No ${nouns} was found. Put ${wanted} in the CV's header, as plain text, so that an ATS and a recruiter can reach you.` };
  }
  return { ...check, passed: true, detail: 'An e-mail address and a phone number were found in the header.' };
}

interface DatedEntry {
  what: string;
  start?: string;
  end?: string;
  /** Jobs and volunteering need a start date; a degree or a project may give its end alone. */
  needsStart: boolean;
}

const precision = (date: string) => (date.length === 4 ? 'year' : date.length === 7 ? 'month' : 'day');

function datedEntries(resume: JsonResume): DatedEntry[] {
  const describe = (title: string | undefined, place: string | undefined, fallback: string) =>
    [title, place].filter((part) => part !== undefined && part.trim() !== '').join(' at ') || fallback;
  return [
    ...(resume.work ?? []).map((entry, i) => ({ what: describe(entry.position, entry.name, `job ${i + 1}`), start: entry.startDate, end: entry.endDate, needsStart: true })),
    ...(resume.volunteer ?? []).map((entry, i) => ({ what: describe(entry.position, entry.organization, `volunteering ${i + 1}`), start: entry.startDate, end: entry.endDate, needsStart: true })),
    ...(resume.education ?? []).map((entry, i) => ({ what: describe(entry.studyType, entry.institution, `education ${i + 1}`), start: entry.startDate, end: entry.endDate, needsStart: false })),
  ];
}

const MAX_PROBLEMS_SHOWN = 3;

/** Every job and degree is dated, start before end, all with the same precision (years, or months and years). */
export function checkDateFormats(resume: JsonResume): AtsCheck {
  const check = { id: 'date_formats', label: 'Consistent dates', severity: 'warning' } as const;
  const entries = datedEntries(resume);
  const problems: string[] = [];
  for (const entry of entries) {
    if (entry.needsStart && entry.start === undefined) {
      problems.push(`${entry.what} has no start date`);
    } else if (entry.start !== undefined && entry.end !== undefined) {
      const common = Math.min(entry.start.length, entry.end.length);
      if (entry.start.slice(0, common) > entry.end.slice(0, common)) problems.push(`${entry.what} ends before it starts`);
      else if (precision(entry.start) !== precision(entry.end)) problems.push(`${entry.what} gives its start and end with different precision (${entry.start}, ${entry.end})`);
    }
  }
  const precisions = new Set(entries.flatMap((entry) => [entry.start, entry.end]).filter((date): date is string => date !== undefined).map(precision));
  if (precisions.has('year') && (precisions.has('month') || precisions.has('day'))) problems.push('some dates give only the year while others give the month');

  if (entries.length === 0) return { ...check, passed: true, detail: 'The CV has no jobs or degrees whose dates could be checked.' };
  if (problems.length === 0) return { ...check, passed: true, detail: 'Every job and degree is dated, and all dates are written the same way.' };
  const shown = problems.slice(0, MAX_PROBLEMS_SHOWN);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  return {
    ...check,
    passed: false,
    detail: `${capitalise(shown.join('; '))}${more}. Give every job a start and an end (or "Present"), all as month and year (e.g. "Jan 2020 – Mar 2023"), so that an ATS can count your experience.`,
  };
}

const LENGTH_LIMITS: Record<ExperienceLevel, { pages: number; words: number }> = {
  '0-2': { pages: 1, words: 600 },
  '3-5': { pages: 2, words: 1100 },
  '6+': { pages: 3, words: 1600 },
};
const MIN_WORDS = 150;

/** The CV's length fits the experience it reports: pages (of a PDF or a Word document) and words. */
export function checkLength(text: string, source: Source, level: ExperienceLevel): AtsCheck {
  const check = { id: 'length', label: 'Length', severity: 'warning' } as const;
  const limit = LENGTH_LIMITS[level];
  const words = countWords(text);
  const pages = source !== null && (source.type === 'pdf' || source.type === 'docx') ? source.pages : undefined;
  const measured = `${words} words${pages !== undefined ? ` on ${plural(pages, 'page')}` : ''}`;
  const fitting = `${plural(limit.pages, 'page')} and about ${limit.words} words at most for ${level} years of experience`;
  if (words < MIN_WORDS) {
    return { ...check, passed: false, detail: `Only ${measured}: too little to judge. Describe your roles, results and skills in at least ${MIN_WORDS} words.` };
  }
  if (words > limit.words || (pages !== undefined && pages > limit.pages)) {
    return { ...check, passed: false, detail: `${capitalise(measured)}: long for the role (${fitting}). Keep the recent and relevant, and shorten the rest.` };
  }
  return { ...check, passed: true, detail: `${capitalise(measured)}: a fitting length (${fitting}).` };
}

/** Every ATS check of the CV, in a fixed order. */
export function runAtsChecks(input: AnalysisInput): AtsCheck[] {
  return [
    checkTextLayer(input.source, input.warnings),
    checkSectionHeadings(input.resume, input.warnings),
    checkContactDetails(input.resume, input.warnings),
    checkDateFormats(input.resume),
    checkNoTextInImages(input.source),
    checkLength(input.text, input.source, input.target.experienceLevel),
  ];
}

function listWords(words: readonly string[], conjunction: string): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} ${conjunction} ${words.at(-1) ?? ''}`;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
