import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { JsonResume } from '../../resume/json-resume.js';
import { parseResume } from '../../resume/parse-resume.js';
import type { ImprovementRequest } from './improver.js';
import { improveResume, OfflineImprover, QUANTIFY_PROMPT } from './offline-improver.js';
import { knownVerbs } from './verb-forms.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/cvs/', import.meta.url));

/** Every fixture CV as the parser reads it, and the JSON Resume sample. */
function fixtureResumes(): { name: string; resume: JsonResume }[] {
  const parsed = readdirSync(fixtures)
    .filter((name) => name.endsWith('.reference.txt'))
    .sort()
    .map((name) => ({ name, resume: parseResume(readFileSync(`${fixtures}${name}`, 'utf8')).resume }));
  const sample = JSON.parse(readFileSync(`${fixtures}jsonresume_sample.resume.json`, 'utf8')) as JsonResume;
  return [...parsed, { name: 'jsonresume_sample.resume.json', resume: sample }];
}

type Level = ImprovementRequest['target']['experienceLevel'];

function requestFor(resume: JsonResume, options: { level?: Level; found?: string[]; missing?: string[] } = {}): ImprovementRequest {
  return {
    resume,
    target: {
      position: 'Senior Software Engineer',
      industry: 'Software',
      experienceLevel: options.level ?? '3-5',
      jobDescription: 'We need Python, AWS, Kubernetes, SQL and React.',
      companySize: '51-200',
      location: 'Remote',
    },
    prompt: 'Make my CV fit this job better.',
    keywordsFound: (options.found ?? []).map((keyword) => ({ keyword, found_in: ['work'] })),
    keywordsMissing: (options.missing ?? []).map((keyword) => ({ keyword, found_in: [] })),
  };
}

/** Every string in a value, with the key it stands under. */
function strings(value: unknown, key = ''): { key: string; text: string }[] {
  if (typeof value === 'string') return [{ key, text: value }];
  if (Array.isArray(value)) return value.flatMap((item) => strings(item, key));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([name, item]) => strings(item, name));
  return [];
}

/** The facts a CV claims, by kind: what an improver may never add. */
function factsOf(resume: JsonResume): Record<string, Set<string>> {
  const all = strings(resume);
  const of = (...keys: string[]) => new Set(all.filter(({ key }) => keys.includes(key)).map(({ text }) => text));
  return {
    employers: new Set([...of('name', 'organization', 'institution', 'issuer', 'awarder', 'publisher', 'entity')]),
    titles: of('position', 'studyType', 'area', 'title', 'label', 'roles'),
    dates: new Set(all.filter(({ key }) => /date$/i.test(key)).map(({ text }) => text)),
    numbers: new Set(all.flatMap(({ text }) => text.match(/\p{Nd}+(?:[.,]\p{Nd}+)*/gu) ?? [])),
    urls: new Set([...of('url'), ...all.flatMap(({ text }) => text.match(/(?:https?:\/\/|www\.)\S+/g) ?? [])]),
    skills: new Set([...of('keywords'), ...(resume.skills ?? []).map((skill) => skill.name ?? '')]),
  };
}

/** The words a rewrite may bring in: verb forms and the few fixed phrases of the rules. */
const REWRITE_WORDS = new Set([
  ...knownVerbs().flatMap((verb) => [verb.base, verb.past, verb.gerund, verb.third].flatMap((form) => form.split('-'))),
  ...'contributed contribute to supported support in owned own oversaw oversee handled handle developed develop'.split(' '),
]);

const wordsOf = (resume: JsonResume) => new Set(strings(resume).flatMap(({ text }) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []));

describe('the offline improver on every fixture CV', () => {
  const resumes = fixtureResumes();

  it('reads at least the twelve fixture CVs and the sample', () => {
    expect(resumes.length).toBeGreaterThanOrEqual(13);
  });

  for (const { name, resume } of resumes) {
    it(`adds no fact to ${name}, and its result is a valid JSON Resume`, () => {
      const before = structuredClone(resume);
      const { resume: after, reasons } = improveResume(requestFor(resume, { found: ['Python', 'AWS', 'React'], missing: ['Rust', 'Terraform', 'Golang'] }));
      expect(resume, 'the request is not changed').toEqual(before);
      expect(Value.Check(JsonResume, after)).toBe(true);
      const factsBefore = factsOf(before);
      for (const [kind, values] of Object.entries(factsOf(after))) {
        const added = [...values].filter((value) => !(factsBefore[kind] ?? new Set()).has(value));
        expect(added, `${kind} added`).toEqual([]);
      }
      const wordsBefore = wordsOf(before);
      const newWords = [...wordsOf(after)].filter((word) => !wordsBefore.has(word) && !REWRITE_WORDS.has(word));
      expect(newWords, 'words no rule writes').toEqual([]);
      for (const path of Object.keys(reasons)) expect(path).toMatch(/^\/[a-z]+(?:\/[A-Za-z0-9]+)*$/);
    });

    it(`gives the same answer twice for ${name}`, () => {
      const first = improveResume(requestFor(resume, { found: ['Python', 'SQL'] }));
      const second = improveResume(requestFor(structuredClone(resume), { found: ['Python', 'SQL'] }));
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    });
  }
});

describe('the rules, on small CVs', () => {
  const pastAndCurrent: JsonResume = {
    basics: { name: 'Ann Example', label: 'Operations Manager' },
    work: [
      { name: 'Now Ltd', position: 'Operations Manager', startDate: '2022-01', highlights: ['Led the move to a new warehouse with 40 staff', 'Responsible for managing a team of 5'] },
      { name: 'Then plc', position: 'Team Lead', startDate: '2018-03', endDate: '2021-12', highlights: ['Responsible for managing a team of 5', 'Lead a weekly review of 30 orders'] },
    ],
  };

  it('rewrites weak openings and puts each role in its tense, with reasons at the improved paths', () => {
    const { resume, reasons } = improveResume(requestFor(pastAndCurrent));
    expect(resume.work?.[1]?.highlights).toEqual(['Managed a team of 5', 'Led a weekly review of 30 orders']);
    expect(resume.work?.[0]?.highlights).toEqual(['Lead the move to a new warehouse with 40 staff', 'Manage a team of 5']);
    expect(reasons['/work/1/highlights/0']).toContain("Starts with a strong action verb instead of 'Responsible for'");
    expect(reasons['/work/1/highlights/1']).toContain('Past tense, as for a past role');
    expect(reasons['/work/0/highlights/0']).toContain('Present tense, as for the current role');
  });

  it('tidies every bullet to one style: no marks, one space, a capital, the majority’s final period', () => {
    const resume: JsonResume = {
      work: [
        { name: 'A', position: 'Clerk', startDate: '2019', endDate: '2020', highlights: ['•  filed 200  claims a week.', 'Answered 50 calls a day.', '- Trained 3 new clerks'] },
        { name: 'B', position: 'Clerk', startDate: '2017', endDate: '2019', highlights: ['Sorted 1,000 letters a day.'] },
      ],
    };
    const { resume: improved, reasons } = improveResume(requestFor(resume));
    expect(improved.work?.[0]?.highlights).toEqual(['Filed 200 claims a week.', 'Answered 50 calls a day.', 'Trained 3 new clerks.']);
    expect(reasons['/work/0/highlights/0']).toMatch(/Bullet mark removed.*Extra spaces removed.*capital/);
    expect(reasons['/work/0/highlights/2']).toContain('Ends with a period');
    expect(reasons['/work/0/highlights/1']).toBeUndefined();
  });

  it('says "Developed" for what was worked on only in a role that builds software', () => {
    const resume: JsonResume = {
      work: [
        { name: 'A', position: 'Software Engineer', startDate: '2020', endDate: '2022', highlights: ['Worked on the billing system'] },
        { name: 'B', position: 'Data Entry Clerk', startDate: '2018', endDate: '2020', highlights: ['Worked on the filing system'] },
        { name: 'C', position: 'Business Development Manager', startDate: '2016', endDate: '2018', highlights: ['Worked on the CRM system'] },
      ],
    };
    const { resume: improved } = improveResume(requestFor(resume));
    expect(improved.work?.map((entry) => entry.highlights?.[0])).toEqual(['Developed the billing system', 'Contributed to the filing system', 'Contributed to the CRM system']);
  });

  it('makes no change that would take a bullet past the schema’s length', () => {
    const long = `Filed ${'a'.repeat(4994)}`;
    const resume: JsonResume = {
      work: [{ name: 'A', position: 'Clerk', startDate: '2018', endDate: '2020', highlights: [long, 'Filed 20 forms.', 'Sorted 30 letters.'] }],
    };
    const { resume: improved } = improveResume(requestFor(resume));
    expect(Value.Check(JsonResume, improved)).toBe(true);
    // Most bullets end with a period, but one more character would not fit.
    expect(improved.work?.[0]?.highlights).toEqual([long, 'Filed 20 forms.', 'Sorted 30 letters.']);
  });

  it('asks for a number where a bullet has none, and writes none itself', () => {
    const resume: JsonResume = {
      work: [{ name: 'A', position: 'Analyst', startDate: '2019', endDate: '2021', highlights: ['Improved the monthly reporting', 'Cut report time by 30%', 'Trained two new analysts'] }],
    };
    const { resume: improved, reasons } = improveResume(requestFor(resume));
    expect(improved.work?.[0]?.highlights?.[0]).toBe('Improved the monthly reporting');
    expect(reasons['/work/0/highlights/0']).toBe(QUANTIFY_PROMPT);
    expect(reasons['/work/0/highlights/1']).toBeUndefined();
    // A number written as a word is a number.
    expect(reasons['/work/0/highlights/2']).toBeUndefined();
  });

  it('moves the bullets and skills that show a found keyword first, keeping each group’s order', () => {
    const resume: JsonResume = {
      basics: { summary: 'Engineer who likes Python and SQL.' },
      work: [
        {
          name: 'A',
          position: 'Engineer',
          startDate: '2019',
          endDate: '2022',
          highlights: ['Ran the on-call rota for 8 people', 'Built 12 ETL jobs in python', 'Wrote JavaScript tools for 3 teams', 'Tuned 40 SQL queries'],
        },
      ],
      skills: [{ name: 'Cooking' }, { name: 'Programming', keywords: ['Go', 'Java', 'Python'] }, { name: 'SQL' }],
      projects: [{ name: 'P', keywords: ['Docker', 'Python'] }],
    };
    const { resume: improved, reasons } = improveResume(requestFor(resume, { found: ['Python', 'SQL', 'Java'], missing: ['Kubernetes'] }));
    expect(improved.work?.[0]?.highlights).toEqual(['Built 12 ETL jobs in python', 'Tuned 40 SQL queries', 'Ran the on-call rota for 8 people', 'Wrote JavaScript tools for 3 teams']);
    expect(reasons['/work/0/highlights/0']).toContain('Moved up: shows Python, which the job asks for');
    expect(reasons['/work/0/highlights/1']).toContain('Moved up: shows SQL');
    expect(improved.skills?.map((skill) => skill.name)).toEqual(['Programming', 'SQL', 'Cooking']);
    expect(improved.skills?.[0]?.keywords).toEqual(['Java', 'Python', 'Go']);
    expect(improved.projects?.[0]?.keywords).toEqual(['Python', 'Docker']);
    expect(improved.basics?.summary).toBe('Engineer who likes Python and SQL.');
    expect(JSON.stringify(improved)).not.toContain('Kubernetes');
  });

  it('strengthens the summary’s sentences and changes nothing else in it', () => {
    const resume: JsonResume = {
      basics: { summary: 'Office manager with 9 years in logistics. Responsible for managing budgets and suppliers. Loves Python.' },
      work: [{ name: 'A', position: 'Office Manager', startDate: '2015' }],
    };
    const { resume: improved, reasons } = improveResume(requestFor(resume, { found: ['SQL'] }));
    expect(improved.basics?.summary).toBe('Office manager with 9 years in logistics. Manage budgets and suppliers. Loves Python.');
    expect(reasons['/basics/summary']).toContain("'Responsible for'");
  });

  it('orders the sections for the seniority, other keys after them', () => {
    const resume = {
      skills: [{ name: 'Excel' }],
      meta: { version: 'v1' },
      languages: [{ language: 'French' }],
      work: [{ name: 'A' }],
      education: [{ institution: 'U' }],
      basics: { name: 'B' },
      projects: [{ name: 'P' }],
    } as JsonResume;
    const junior = improveResume(requestFor(resume, { level: '0-2' }));
    expect(Object.keys(junior.resume)).toEqual(['basics', 'education', 'work', 'projects', 'skills', 'languages', 'meta']);
    expect(junior.reasons['/education']).toBe('Education first: it carries most weight at 0-2 years');
    for (const level of ['3-5', '6+'] as const) {
      const senior = improveResume(requestFor(resume, { level }));
      expect(Object.keys(senior.resume)).toEqual(['basics', 'work', 'skills', 'projects', 'education', 'languages', 'meta']);
      expect(senior.reasons['/work']).toContain('Experience first');
    }
    const already = improveResume(requestFor(junior.resume, { level: '0-2' }));
    expect(Object.keys(already.reasons).filter((path) => /^\/[a-z]+$/.test(path))).toEqual([]);
  });

  it('leaves the wording of a CV in another language alone', () => {
    const german: JsonResume = {
      basics: { summary: 'Erfahrene Projektleiterin mit Schwerpunkt auf Logistik und Einkauf. Ich arbeite gern im Team und bringe Prozesse voran.' },
      work: [
        {
          name: 'Muster GmbH',
          position: 'Projektleiterin',
          startDate: '2016',
          endDate: '2020',
          highlights: [
            'verantwortlich für die Planung der Lieferketten in drei Werken',
            'Leitung eines Teams von 6 Personen.',
            'Einführung eines neuen Lagersystems für alle Standorte',
            'Responsible for the budget',
          ],
        },
      ],
    };
    const { resume } = improveResume(requestFor(german));
    expect(resume.work?.[0]?.highlights).toEqual(german.work?.[0]?.highlights);
    expect(resume.basics?.summary).toBe(german.basics?.summary);
  });
});

describe('OfflineImprover', () => {
  const resume: JsonResume = { work: [{ name: 'A', position: 'Engineer', startDate: '2019', endDate: '2020', highlights: ['Worked on the billing service'] }] };

  it('answers a draft with its rewriting and a usage of no tokens and no calls', async () => {
    const improver = new OfflineImprover();
    const progress: number[] = [];
    const draft = await improver.improve(requestFor(resume), { signal: new AbortController().signal, idempotencyKey: 'job-1', onProgress: (percent) => progress.push(percent) });
    expect(draft.resume.work?.[0]?.highlights).toEqual(['Developed the billing service']);
    expect(draft.usage).toMatchObject({ provider: 'offline', model: improver.model, inputTokens: 0, outputTokens: 0, calls: 0 });
    expect(draft.usage.latencyMs).toBeGreaterThanOrEqual(0);
    expect(progress).toEqual([100]);
  });

  it('does no work once its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('job cancelled'));
    await expect(new OfflineImprover().improve(requestFor(resume), { signal: controller.signal, idempotencyKey: 'job-2' })).rejects.toThrow('job cancelled');
  });
});
