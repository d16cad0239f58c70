import type { JsonResume } from '../../resume/json-resume.js';
import { prepareText, type PreparedText } from './skill-matcher.js';

/** One piece of a CV's text, with the top-level section it belongs to. */
export interface ResumeText extends PreparedText {
  section: string;
  /** A list of skills or keywords, where a name counts in any case. */
  listed: boolean;
}

// The sections that can show a skill, in the order they are reported. References are left out: what
// a referee writes is not the candidate's own claim.
export const evidenceSections = [
  'basics',
  'work',
  'volunteer',
  'education',
  'awards',
  'certificates',
  'publications',
  'skills',
  'languages',
  'interests',
  'projects',
] as const;

// Fields that hold addresses, dates, grades or places, which show no skill.
const IGNORED_FIELDS = new Set(['url', 'email', 'phone', 'image', 'location', 'profiles', 'startDate', 'endDate', 'date', 'releaseDate', 'score']);
// Fields that list skills rather than describe them.
const LISTED_FIELDS: Record<string, ReadonlySet<string>> = {
  skills: new Set(['name', 'level', 'keywords']),
  projects: new Set(['keywords']),
  interests: new Set(['name', 'keywords']),
  languages: new Set(['language']),
};

function collect(value: unknown, section: string, field: string, out: ResumeText[]): void {
  if (typeof value === 'string') {
    if (value.trim() !== '') out.push({ ...prepareText(value.normalize('NFKC')), section, listed: LISTED_FIELDS[section]?.has(field) ?? false });
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, section, field, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) if (!IGNORED_FIELDS.has(key)) collect(inner, section, key, out);
  }
}

/** Every text of a CV that could show a skill, section by section in report order. */
export function resumeTexts(resume: JsonResume): ResumeText[] {
  const out: ResumeText[] = [];
  for (const section of evidenceSections) collect(resume[section], section, section, out);
  return out;
}
