import type { JsonResume } from '../../src/resume/json-resume.js';

/** What a person reading a fixture CV wrote down about it (see test/fixtures/cvs/expected.json). */
export interface CvExpectation {
  name: string;
  email: string | null;
  employers: string[];
  positions: string[];
  schools: string[];
}

export interface ExpectationReport {
  checks: number;
  passed: number;
  failures: string[];
}

// Case, whitespace and punctuation differ between extractors and between a reader's notes and the
// text ("Co-founder" against "Co­founder"), so only letters and digits are compared.
const comparable = (value: string): string =>
  value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

const overlaps = (found: string, wanted: string): boolean => {
  const a = comparable(found);
  const b = comparable(wanted);
  return a !== '' && b !== '' && (a.includes(b) || b.includes(a));
};

/**
 * Matches each expected value against a distinct parsed one (so two "Research Intern" need two
 * entries), in any order: the reading order of a multi-column CV is not the document's order.
 */
function matchAll(kind: string, found: string[], wanted: string[], report: ExpectationReport): void {
  const unused = [...found];
  for (const value of wanted) {
    report.checks += 1;
    const at = unused.findIndex((candidate) => overlaps(candidate, value));
    if (at === -1) {
      report.failures.push(`${kind} "${value}" not found among [${found.map((f) => JSON.stringify(f)).join(', ')}]`);
      continue;
    }
    unused.splice(at, 1);
    report.passed += 1;
  }
}

/** Compares a parsed CV with hand-written expectations, forgivingly; lists what did not match. */
export function compareWithExpected(resume: JsonResume, expected: CvExpectation): ExpectationReport {
  const report: ExpectationReport = { checks: 0, passed: 0, failures: [] };
  const basics = resume.basics ?? {};

  report.checks += 1;
  if (comparable(basics.name ?? '') === comparable(expected.name)) report.passed += 1;
  else report.failures.push(`name: expected "${expected.name}", got "${basics.name ?? ''}"`);

  report.checks += 1;
  const email = (basics.email ?? '').toLowerCase();
  if (email === (expected.email ?? '').toLowerCase()) report.passed += 1;
  else report.failures.push(`email: expected "${expected.email ?? ''}", got "${email}"`);

  const work = resume.work ?? [];
  matchAll('employer', work.map((entry) => entry.name ?? ''), expected.employers, report);
  matchAll('position', work.map((entry) => entry.position ?? ''), expected.positions, report);
  matchAll('school', (resume.education ?? []).map((entry) => entry.institution ?? ''), expected.schools, report);
  return report;
}
