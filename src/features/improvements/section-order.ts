import type { JsonResume } from '../../resume/json-resume.js';
import type { AnalysisTarget } from '../analysis/analysis-input.js';

export type ExperienceLevel = AnalysisTarget['experienceLevel'];

// The order of a CV's sections (the JSON key order, which the Markdown and the PDF follow):
// - 0-2 years: basics, education, work, projects, skills: with little work behind them, a reader
//   looks at the degree first, and projects show what work cannot yet;
// - 3-5 and 6+ years: basics, work, skills, projects, education: experience carries the weight
//   and education becomes a line at the end;
// then, at every level, certificates, awards, languages, volunteer, publications, interests,
// references; keys of no known section (extensions such as meta) keep their order after those.
const SUPPORTING = ['certificates', 'awards', 'languages', 'volunteer', 'publications', 'interests', 'references'];

const SECTION_ORDER: Record<ExperienceLevel, readonly string[]> = {
  '0-2': ['basics', 'education', 'work', 'projects', 'skills', ...SUPPORTING],
  '3-5': ['basics', 'work', 'skills', 'projects', 'education', ...SUPPORTING],
  '6+': ['basics', 'work', 'skills', 'projects', 'education', ...SUPPORTING],
};

/** The CV with its sections in the order for the level, and the sections whose place among the others changed. */
export function orderSections(resume: JsonResume, level: ExperienceLevel): { resume: JsonResume; moved: string[] } {
  const order = SECTION_ORDER[level];
  const keys = Object.keys(resume);
  const known = order.filter((key) => keys.includes(key));
  const others = keys.filter((key) => !order.includes(key));
  const sorted = [...known, ...others];
  const record = resume as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of sorted) result[key] = record[key];
  const before = keys.filter((key) => known.includes(key));
  const moved = known.filter((key, index) => before[index] !== key);
  return { resume: result, moved };
}
