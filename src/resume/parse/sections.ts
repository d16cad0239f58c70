import { runInHeading, sectionOfHeading, type SectionKey } from './headings.js';
import type { CvLine } from './text.js';

/** A run of lines under one heading. */
export interface CvSection {
  key: SectionKey;
  lines: CvLine[];
}

/** The lines before the first heading (name and contact block) and the sections after it. */
export interface SectionedCv {
  header: CvLine[];
  sections: CvSection[];
}

// Inside these, "Languages: Python, Go" is a group of skills, not the languages section.
const GROUPED_SECTIONS = new Set<SectionKey>(['skills', 'languages', 'interests']);

/** Splits a CV's lines at its section headings, including headings run into the following text. */
export function splitSections(lines: CvLine[]): SectionedCv {
  const header: CvLine[] = [];
  const sections: CvSection[] = [];
  let current: CvSection | undefined;
  for (const line of lines) {
    const whole = sectionOfHeading(line.text);
    if (whole !== undefined) {
      current = { key: whole, lines: [] };
      sections.push(current);
      continue;
    }
    const runIn = runInHeading(line.text);
    const groupLine = current !== undefined && GROUPED_SECTIONS.has(current.key) && /^[^:：]{2,40}[:：]/u.test(line.text);
    if (runIn !== undefined && !groupLine) {
      current = { key: runIn.section, lines: [{ text: runIn.rest, blankBefore: true }] };
      sections.push(current);
      continue;
    }
    (current?.lines ?? header).push(line);
  }
  return { header, sections };
}
