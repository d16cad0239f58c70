import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import type { JsonResume } from '../../resume/json-resume.js';
import { parseResume } from '../../resume/parse-resume.js';
import type { AnalysisInput, AnalysisTarget } from './analysis-input.js';
import { analyseCv } from './analyse-cv.js';
import { extractJobKeywords, keywordSections, MAX_KEYWORDS } from './keywords.js';
import { evidenceSections } from './resume-texts.js';
import { CvAnalysisSchema, type CvAnalysis } from './schema.js';
import { skillKey } from './skill-matcher.js';

// Real CVs (their reference texts, parsed as an upload would be) against real job adverts.
const cvFolder = fileURLToPath(new URL('../../../test/fixtures/cvs/', import.meta.url));
const jobFolder = fileURLToPath(new URL('../../../test/fixtures/jobs/', import.meta.url));

const cvs = readdirSync(cvFolder)
  .filter((file) => file.endsWith('.reference.txt'))
  .sort()
  .map((file) => {
    const text = readFileSync(cvFolder + file, 'utf8');
    const { resume, warnings } = parseResume(text);
    return { file, text, resume, warnings: warnings.map((warning) => warning.code) };
  });
const jobs = readdirSync(jobFolder)
  .filter((file) => file.endsWith('.txt'))
  .sort()
  .map((file) => ({ file, text: readFileSync(jobFolder + file, 'utf8') }));
const job = (name: string) => {
  const found = jobs.find((candidate) => candidate.file.startsWith(name));
  if (!found) throw new Error(`no job advert ${name}`);
  return found.text;
};

const target = (jobDescription: string): AnalysisTarget => ({ position: 'Engineer', industry: 'Technology', experienceLevel: '3-5', jobDescription });
const inputFor = (cv: (typeof cvs)[number], jobDescription: string, source: AnalysisInput['source'] = { type: 'pdf', pages: 2 }): AnalysisInput => ({
  resume: cv.resume,
  text: cv.text,
  source,
  warnings: cv.warnings,
  target: target(jobDescription),
});
const keywordsOf = (name: string) => extractJobKeywords(target(job(name))).map((keyword) => keyword.toLowerCase());

/** The value a JSON pointer names in a CV. */
function atPointer(resume: JsonResume, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((value, part) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined), resume);
}

const analyses: { cv: (typeof cvs)[number]; jobFile: string; analysis: CvAnalysis }[] = cvs.flatMap((cv) =>
  jobs.map(({ file, text }) => ({ cv, jobFile: file, analysis: analyseCv(inputFor(cv, text)) })),
);

describe('job adverts', () => {
  it('yield their skills', () => {
    expect(keywordsOf('backend-developer-python-django')).toEqual(expect.arrayContaining(['python', 'django', 'postgresql', 'aws', 'git', 'linux']));
    expect(keywordsOf('data-scientist')).toEqual(expect.arrayContaining(['python', 'r', 'sql', 'nosql', 'mongodb', 'numpy']));
    expect(keywordsOf('lead-technical-program-manager')).toEqual(expect.arrayContaining(['c', 'c++', 'java', 'python', 'linux']));
    expect(keywordsOf('practicante-finanzas')).toEqual(expect.arrayContaining(['sql', 'power bi', 'excel', 'vba', 'finanzas']));
    expect(keywordsOf('primary-english-teacher')).toEqual(expect.arrayContaining(['english', 'phonics', 'teaching']));
    expect(keywordsOf('billing-logistics')).toEqual(expect.arrayContaining(['billing', 'logistics', 'reconciliation']));
    expect(keywordsOf('revenue-reporting')).toEqual(expect.arrayContaining(['sql', 'accounting', 'finance', 'sap']));
    expect(keywordsOf('senior-product-manager')).toEqual(expect.arrayContaining(['chrome os', 'oem']));
  });

  it('yield each keyword once, at most the cap, each written in the advert', () => {
    for (const { file, text } of jobs) {
      const keywords = extractJobKeywords(target(text));
      expect(keywords.length, file).toBeGreaterThan(0);
      expect(keywords.length, file).toBeLessThanOrEqual(MAX_KEYWORDS);
      expect(new Set(keywords.map(skillKey)).size, file).toBe(keywords.length);
      const advert = skillKey(text);
      for (const keyword of keywords) expect(advert, `${file}: ${keyword}`).toContain(skillKey(keyword).replace(/s$/, ''));
    }
  });

  it('yield no company, place, reference or boilerplate as a keyword', () => {
    const junk = ['google', 'bcp', 'covid', 'rq', 'lima', 'gurgaon', 'preferred', 'required', 'department', 'search', 'youtube', 'go', 'full-time'];
    for (const { file, text } of jobs) {
      const keywords = extractJobKeywords(target(text)).map((keyword) => keyword.toLowerCase());
      expect(keywords.filter((keyword) => junk.includes(keyword)), file).toEqual([]);
    }
    // Its links start with https: an address, not a skill.
    expect(keywordsOf('practicante-finanzas')).not.toContain('http');
  });
});

describe('analyses of real CVs', () => {
  it('validate against the schema', () => {
    for (const { cv, jobFile, analysis } of analyses) {
      expect(Value.Check(CvAnalysisSchema, analysis), `${cv.file} × ${jobFile}`).toBe(true);
    }
  });

  it('split the advert’s keywords into found, with the sections that show them, and missing, with none', () => {
    for (const { cv, jobFile, analysis } of analyses) {
      const keywords = extractJobKeywords(target(job(jobFile)));
      const { found, missing, total } = analysis.keywords;
      expect(total).toBe(keywords.length);
      expect([...found, ...missing].map((finding) => finding.keyword).sort()).toEqual([...keywords].sort());
      for (const finding of found) {
        expect(finding.found_in.length, `${cv.file}: ${finding.keyword}`).toBeGreaterThan(0);
        expect(evidenceSections).toEqual(expect.arrayContaining(finding.found_in));
        expect(keywordSections(finding.keyword, cv.resume)).toEqual(finding.found_in);
      }
      for (const finding of missing) {
        expect(finding.found_in).toEqual([]);
        expect(keywordSections(finding.keyword, cv.resume), `${cv.file}: ${finding.keyword}`).toEqual([]);
      }
      expect(analysis.keyword_match).toBe(Math.round((100 * found.length) / total));
    }
  });

  it('find a skill a CV lists in its skills section there', () => {
    const listing = cvs.filter((cv) => (cv.resume.skills ?? []).some((skill) => [skill.name, ...(skill.keywords ?? [])].some((name) => /^python$/i.test(name ?? ''))));
    expect(listing.length).toBeGreaterThanOrEqual(3);
    for (const cv of listing) {
      const analysis = analyseCv(inputFor(cv, job('backend-developer-python-django')));
      expect(analysis.keywords.found.find((finding) => finding.keyword === 'Python')?.found_in, cv.file).toContain('skills');
    }
  });

  it('raise coverage and keyword match when a missing keyword is added to the skills', () => {
    const advert = job('backend-developer-python-django');
    let edited = 0;
    for (const cv of cvs) {
      const before = analyseCv(inputFor(cv, advert));
      const added = before.keywords.missing[0]?.keyword;
      if (added === undefined) continue;
      const resume: JsonResume = { ...cv.resume, skills: [...(cv.resume.skills ?? []), { name: 'Also', keywords: [added] }] };
      const after = analyseCv({ ...inputFor(cv, advert), resume });
      expect(after.keywords.found.find((finding) => finding.keyword === added)?.found_in, `${cv.file}: ${added}`).toContain('skills');
      expect(after.keywords.coverage).toBeGreaterThan(before.keywords.coverage);
      expect(after.keyword_match).toBeGreaterThan(before.keyword_match);
      expect(after.overall_score).toBeGreaterThanOrEqual(before.overall_score);
      edited++;
    }
    expect(edited).toBeGreaterThan(0);
  });

  it('are the same, byte for byte, when run again', () => {
    for (const cv of cvs) {
      const input = inputFor(cv, job('data-scientist'));
      const copy = structuredClone(input);
      expect(JSON.stringify(analyseCv(copy)), cv.file).toBe(JSON.stringify(analyseCv(input)));
    }
  });

  it('point every piece of feedback at the text it is about', () => {
    for (const { cv, analysis } of analyses.filter((entry) => entry.jobFile === jobs[0]?.file)) {
      for (const item of analysis.sections.flatMap((section) => section.feedback)) {
        const value = atPointer(cv.resume, item.path);
        expect(typeof value, `${cv.file} ${item.path}`).toBe('string');
        expect(value as string, `${cv.file} ${item.path}`).toContain(item.text);
      }
    }
  });

  it('report every bullet that opens with a weak phrase as a weak verb, at its path', () => {
    const weakOpening = /^(?:[^:]{1,40}:\s+)?(?:assisted|participated in|worked on|responsible for|helped|involved in|tasked with)\b/i;
    let seen = 0;
    for (const cv of cvs) {
      const analysis = analyseCv(inputFor(cv, ''));
      const weakPaths = new Set(analysis.sections.flatMap((section) => section.feedback).filter((item) => item.kind === 'weak_verb').map((item) => item.path));
      for (const section of ['work', 'volunteer', 'projects'] as const) {
        (cv.resume[section] ?? []).forEach((entry, i) =>
          (entry.highlights ?? []).forEach((highlight, j) => {
            if (!weakOpening.test(highlight)) return;
            seen++;
            expect(weakPaths, `${cv.file}: ${highlight}`).toContain(`/${section}/${i}/highlights/${j}`);
          }),
        );
      }
    }
    expect(seen).toBeGreaterThanOrEqual(3);
  });

  it('fail the text layer of any CV read by OCR', () => {
    for (const cv of cvs) {
      const analysis = analyseCv(inputFor(cv, job('html-developer'), { type: 'pdf', pages: 1, ocr: { confidence: 80, languages: ['eng'] } }));
      expect(analysis.ats_checks.find((check) => check.id === 'text_layer'), cv.file).toMatchObject({ passed: false, severity: 'error' });
    }
  });
});
