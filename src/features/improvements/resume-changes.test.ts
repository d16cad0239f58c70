import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { JsonResume } from '../../resume/json-resume.js';
import { improveResume } from './offline-improver.js';
import { describeChanges } from './resume-changes.js';

const sample = JSON.parse(readFileSync(fileURLToPath(new URL('../../../test/fixtures/cvs/jsonresume_sample.resume.json', import.meta.url)), 'utf8')) as JsonResume;

const base: JsonResume = {
  basics: { name: 'Ann Example', summary: 'Analyst.' },
  work: [
    { name: 'Acme', position: 'Analyst', startDate: '2019-01', endDate: '2021-06', highlights: ['Responsible for managing a team of 5', 'Built 3 dashboards', 'Wrote SQL for 40 reports'] },
    { name: 'Beta', position: 'Intern', startDate: '2018-01', endDate: '2018-12', highlights: ['Filed 300 invoices'] },
  ],
  skills: [{ name: 'Excel' }, { name: 'SQL' }],
};

describe('describeChanges', () => {
  it('reports a reorder as moved and a rewrite as changed, with the improver’s reasons', () => {
    const after = structuredClone(base);
    after.work![0]!.highlights = ['Wrote SQL for 40 reports', 'Managed a team of 5', 'Built 3 dashboards'];
    const reasons = {
      '/work/0/highlights/0': 'Moved up: shows SQL, which the job asks for',
      '/work/0/highlights/1': "Starts with a strong action verb instead of 'Responsible for'",
    };
    const changes = describeChanges(base, after, reasons);
    expect(changes).toEqual([
      { section: 'work', path: '/work/0/highlights/0', kind: 'moved', before: 'Wrote SQL for 40 reports', after: 'Wrote SQL for 40 reports', reason: reasons['/work/0/highlights/0'] },
      {
        section: 'work',
        path: '/work/0/highlights/1',
        kind: 'changed',
        before: 'Responsible for managing a team of 5',
        after: 'Managed a team of 5',
        reason: reasons['/work/0/highlights/1'],
      },
    ]);
  });

  it('matches entries by employer and dates, so reordered roles are moved, not removed and added', () => {
    const after = structuredClone(base);
    after.work = [structuredClone(base.work![1]!), structuredClone(base.work![0]!)];
    const changes = describeChanges(base, after, {});
    expect(changes.map(({ kind, path }) => ({ kind, path }))).toEqual([{ kind: 'moved', path: '/work/0' }]);
    expect(changes[0]?.before).toContain('Intern — Beta');
    expect(changes[0]?.reason).toBe('Moved from position 2 to 1');
  });

  it('reports added and removed items, and gives a generic reason where the improver gave none', () => {
    const after = structuredClone(base);
    after.skills = [{ name: 'SQL' }, { name: 'Power BI' }];
    after.basics!.summary = 'Data analyst.';
    const changes = describeChanges(base, after, {});
    expect(changes).toEqual([
      { section: 'basics', path: '/basics/summary', kind: 'changed', before: 'Analyst.', after: 'Data analyst.', reason: 'Reworded' },
      { section: 'skills', path: '/skills/0', kind: 'removed', before: 'Excel', after: null, reason: 'Removed' },
      { section: 'skills', path: '/skills/1', kind: 'added', before: null, after: 'Power BI', reason: 'Added' },
    ]);
  });

  it('reports a section moved in the order, and lists changes by the improved CV’s section order', () => {
    const after = { basics: base.basics, skills: base.skills, work: base.work } as JsonResume;
    const changes = describeChanges(base, after, { '/skills': 'Order for 3-5 years of experience' });
    expect(changes).toEqual([{ section: 'skills', path: '/skills', kind: 'moved', before: 'skills', after: 'skills', reason: 'Order for 3-5 years of experience' }]);
  });

  it('reports nothing for an unchanged CV', () => {
    expect(describeChanges(sample, structuredClone(sample), {})).toEqual([]);
  });

  it('describes what the offline improver did to the sample CV, each change with a reason, in order', () => {
    const { resume, reasons } = improveResume({
      resume: sample,
      target: { position: 'Engineer', industry: 'Software', experienceLevel: '0-2', jobDescription: '', companySize: '', location: '' },
      keywordsFound: [{ keyword: 'Javascript', found_in: ['skills', 'projects'] }],
    });
    const changes = describeChanges(sample, resume, reasons);
    expect(changes.find((change) => change.path === '/work/0/highlights/0')).toMatchObject({
      kind: 'changed',
      before: 'Build an algorithm for artist to detect if their music was violating copy right infringement laws',
      after: 'Built an algorithm for artist to detect if their music was violating copy right infringement laws',
      reason: expect.stringContaining('Past tense') as unknown,
    });
    expect(changes.find((change) => change.path === '/education')).toMatchObject({ kind: 'moved', reason: 'Education first: it carries most weight at 0-2 years' });
    expect(changes.filter((change) => change.kind === 'added' || change.kind === 'removed')).toEqual([]);
    const order = Object.keys(resume);
    const ranks = changes.map((change) => order.indexOf(change.section));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    for (const change of changes) expect(change.reason).not.toBe('');
  });

  it('stays bounded for a CV whose every item changed', () => {
    const many = (prefix: string): JsonResume => ({
      work: Array.from({ length: 100 }, (_, index) => ({ name: `Employer ${index}`, startDate: '2020', highlights: Array.from({ length: 50 }, (_, line) => `${prefix} ${index}-${line}`) })),
    });
    const changes = describeChanges(many('Alpha'), many('Omega'), {});
    expect(changes).toHaveLength(500);
    expect(changes[0]?.path).toBe('/work/0/highlights/0');
  });
});
