import { describe, expect, it } from 'vitest';
import type { JsonResume } from '../../resume/json-resume.js';
import { hasQuantity, openingVerb, pastOf, weakOpening } from './bullet-language.js';
import { analyseSections, sectionScore } from './section-feedback.js';
import type { SectionAnalysis } from './schema.js';

const kindsAt = (sections: SectionAnalysis[], path: string) =>
  sections.flatMap((section) => section.feedback).filter((item) => item.path === path).map((item) => item.kind);

describe('weakOpening', () => {
  it('finds the phrases that describe duties, after a label or a bullet mark', () => {
    expect(weakOpening('Responsible for the billing system')?.phrase).toBe('responsible for');
    expect(weakOpening('Was responsible for the billing system')?.phrase).toBe('responsible for');
    expect(weakOpening('• Helped the team ship')?.phrase).toBe('helped');
    expect(weakOpening('Notifications: Worked on push delivery')?.phrase).toBe('worked on');
    expect(weakOpening('Duties included answering calls')?.phrase).toBe('duties included');
    expect(weakOpening('Tasked with migrating the database')?.phrase).toBe('tasked with');
    expect(weakOpening('Participated in sprint planning')?.phrase).toBe('participated in');
    expect(weakOpening('Involved in hiring')?.phrase).toBe('involved in');
  });

  it('leaves strong openings and later mentions alone', () => {
    expect(weakOpening('Led a team that helped 200 customers')).toBeUndefined();
    expect(weakOpening('Helpdesk tooling rebuilt in Go')).toBeUndefined();
  });
});

describe('openingVerb', () => {
  it('tells past, present and gerund forms, regular and irregular', () => {
    expect(openingVerb('Led a team of 5')).toMatchObject({ form: 'past', base: 'lead' });
    expect(openingVerb('Optimized queries')).toMatchObject({ form: 'past', base: 'optimize' });
    expect(openingVerb('Planned the roadmap')).toMatchObject({ form: 'past', base: 'plan' });
    expect(openingVerb('Unified two services')).toMatchObject({ form: 'past', base: 'unify' });
    expect(openingVerb('Successfully delivered 3 releases')).toMatchObject({ form: 'past', base: 'deliver' });
    expect(openingVerb('Lead a team of 5')).toMatchObject({ form: 'present', base: 'lead' });
    expect(openingVerb('Manages the budget')).toMatchObject({ form: 'present', base: 'manage' });
    expect(openingVerb('Leading the platform team')).toMatchObject({ form: 'gerund', base: 'lead' });
  });

  it('is conservative: a noun, an adjective or an ambiguous form is no verb', () => {
    expect(openingVerb('Lead engineer on the payments team')).toBeUndefined();
    expect(openingVerb('Research on machine learning')).toBeUndefined();
    expect(openingVerb('Research integrated into Azure')).toBeUndefined();
    expect(openingVerb('Distributed systems at scale')).toBeUndefined();
    expect(openingVerb('Set up the CI')).toBeUndefined();
    expect(openingVerb('TensorFlow: TensorFlow is a library')).toBeUndefined();
  });

  it('gives the past form of a base verb', () => {
    expect(['lead', 'manage', 'plan', 'unify', 'build', 'deliver'].map(pastOf)).toEqual(['led', 'managed', 'planned', 'unified', 'built', 'delivered']);
  });
});

describe('hasQuantity', () => {
  it('sees numbers, percentages, money and quantities in words', () => {
    for (const text of ['by 30%', 'for 12 clients', '$2M raised', '€500 saved', 'four engineers', 'doubled revenue', 'from hours to minutes']) expect(hasQuantity(text), text).toBe(true);
    expect(hasQuantity('improved the onboarding experience')).toBe(false);
  });
});

describe('analyseSections', () => {
  const resume: JsonResume = {
    work: [
      {
        name: 'Acme',
        startDate: '2021-03',
        highlights: ['Lead a team of 6 engineers building the billing platform', 'Reduced invoice errors by 40% with automated checks', 'Responsible for the on-call rota'],
      },
      {
        name: 'Beta',
        startDate: '2018-01',
        endDate: '2021-02',
        summary: 'Built the data platform. Manage the analytics team.',
        highlights: ['Improved onboarding for new customers', 'Wrote docs', 'Designed '.concat('a very long bullet that goes on '.repeat(8))],
      },
    ],
    projects: [{ name: 'Tool', highlights: ['Assisted in writing a CLI used by 3 teams'] }],
    volunteer: [{ organization: 'Club' }],
  };
  const sections = analyseSections(resume);

  it('reports weak openings at their JSON pointers', () => {
    expect(kindsAt(sections, '/work/0/highlights/2')).toContain('weak_verb');
    expect(kindsAt(sections, '/projects/0/highlights/0')).toEqual(['weak_verb']);
  });

  it('asks for figures where an achievement has none', () => {
    expect(kindsAt(sections, '/work/1/highlights/0')).toEqual(['unquantified']);
    expect(kindsAt(sections, '/work/0/highlights/1')).not.toContain('unquantified');
  });

  it('wants the present tense for an ongoing role and the past for an ended one', () => {
    expect(kindsAt(sections, '/work/0/highlights/0')).not.toContain('tense');
    const pastInOngoing = sections[0]?.feedback.find((item) => item.path === '/work/0/highlights/1');
    expect(pastInOngoing?.kind).toBe('tense');
    expect(pastInOngoing?.message).toContain('"Reduce" rather than "Reduced"');
    expect(kindsAt(sections, '/work/1/highlights/0')).not.toContain('tense');
    const ongoingPast = analyseSections({ work: [{ startDate: '2022', highlights: ['Reduced costs by 10%'] }] });
    expect(ongoingPast[0]?.feedback.map((item) => [item.kind, item.path])).toEqual([['tense', '/work/0/highlights/0']]);
    const summary = sections[0]?.feedback.filter((item) => item.path === '/work/1/summary') ?? [];
    expect(summary.map((item) => item.kind)).toEqual(['tense', 'unquantified']);
    expect(summary[0]?.text).toBe('Manage the analytics team.');
    expect(summary[0]?.message).toContain('"Managed"');
  });

  it('leaves the tense of undated entries and of projects alone', () => {
    expect(analyseSections({ work: [{ highlights: ['Reduced costs by 10%'] }] })[0]?.feedback).toEqual([]);
    expect(analyseSections({ projects: [{ startDate: '2022', highlights: ['Reduced costs by 10%'] }] })[0]?.feedback).toEqual([]);
  });

  it('flags bullets too short or too long', () => {
    expect(kindsAt(sections, '/work/1/highlights/1')).toContain('bullet_length');
    expect(kindsAt(sections, '/work/1/highlights/2')).toContain('bullet_length');
  });

  it('carries the text of what it flags, and says what to do', () => {
    for (const item of sections.flatMap((section) => section.feedback)) {
      expect(item.text.length).toBeGreaterThan(0);
      expect(item.message.length).toBeGreaterThan(20);
    }
  });

  it('gives no entry to a section without text', () => {
    expect(sections.map((section) => section.section)).toEqual(['work', 'projects']);
    expect(analyseSections({ work: [{ name: 'Acme', startDate: '2020' }] })).toEqual([]);
    expect(analyseSections({})).toEqual([]);
  });

  it('scores 100 less the penalties, each kind capped, never below 0', () => {
    const item = (kind: SectionAnalysis['feedback'][number]['kind']) => ({ kind, path: '/work/0/highlights/0', text: 't', message: 'm' });
    expect(sectionScore([])).toBe(100);
    expect(sectionScore([item('weak_verb')])).toBe(92);
    expect(sectionScore([item('weak_verb'), item('unquantified'), item('tense'), item('bullet_length')])).toBe(100 - 8 - 4 - 4 - 3);
    expect(sectionScore(Array.from({ length: 30 }, () => item('unquantified')))).toBe(100 - 24);
    const everything = (['weak_verb', 'unquantified', 'tense', 'bullet_length'] as const).flatMap((kind) => Array.from({ length: 20 }, () => item(kind)));
    expect(sectionScore(everything)).toBe(0);
    expect(sections.find((section) => section.section === 'projects')?.score).toBe(92);
  });
});
