import { describe, expect, it } from 'vitest';
import { prevailingTense, withLeadingTense } from './tense.js';
import { knownVerbs, verbFormOf } from './verb-forms.js';

describe('the verb table', () => {
  it('never reads one word as two verbs: no base form is another verb’s past, third-person or -ing form', () => {
    const forms = new Map<string, string>();
    for (const verb of knownVerbs()) {
      for (const form of [verb.base, verb.past, verb.gerund, verb.third]) {
        const owner = forms.get(form);
        expect(owner === undefined || owner === verb.base, `${form} belongs to ${owner} and ${verb.base}`).toBe(true);
        forms.set(form, verb.base);
      }
    }
  });

  it('knows irregular forms and spelling rules', () => {
    const expectations: [string, string, string][] = [
      ['lead', 'led', 'leading'],
      ['build', 'built', 'building'],
      ['run', 'ran', 'running'],
      ['write', 'wrote', 'writing'],
      ['grow', 'grew', 'growing'],
      ['plan', 'planned', 'planning'],
      ['manage', 'managed', 'managing'],
      ['simplify', 'simplified', 'simplifying'],
      ['oversee', 'oversaw', 'overseeing'],
    ];
    for (const [base, past, gerund] of expectations) {
      expect(verbFormOf(past)).toMatchObject({ form: 'past', verb: { base } });
      expect(verbFormOf(gerund)).toMatchObject({ form: 'gerund', verb: { base } });
      expect(verbFormOf(base)).toMatchObject({ form: 'base', verb: { past } });
    }
  });
});

describe('withLeadingTense', () => {
  it('puts a past role’s opening verbs in the past, irregular ones included', () => {
    expect(withLeadingTense('Lead a team of 5 engineers', 'past')).toBe('Led a team of 5 engineers');
    expect(withLeadingTense('Build the payment service', 'past')).toBe('Built the payment service');
    expect(withLeadingTense('Write the release notes', 'past')).toBe('Wrote the release notes');
    expect(withLeadingTense('Manages a budget of €2M', 'past')).toBe('Managed a budget of €2M');
    expect(withLeadingTense('Developing microservices in Go', 'past')).toBe('Developed microservices in Go');
  });

  it('puts the current role’s opening verbs in the present, with the verbs joined to them', () => {
    expect(withLeadingTense('Led a team of 5 engineers', 'present')).toBe('Lead a team of 5 engineers');
    expect(withLeadingTense('Designed and implemented REST APIs', 'present')).toBe('Design and implement REST APIs');
    expect(withLeadingTense('Designed, built and shipped the app', 'present')).toBe('Design, build and ship the app');
    expect(withLeadingTense('Mentored juniors and conducted code reviews', 'present')).toBe('Mentor juniors and conduct code reviews');
    expect(withLeadingTense('Successfully delivered 3 projects', 'present')).toBe('Successfully deliver 3 projects');
  });

  it('leaves a verb after "and" in another clause alone', () => {
    expect(withLeadingTense('Led a team that designed and built the app', 'present')).toBe('Lead a team that designed and built the app');
  });

  it('leaves words that may be nouns or titles as written', () => {
    expect(withLeadingTense('Lead developer for the payments team', 'past')).toBe('Lead developer for the payments team');
    expect(withLeadingTense('Design of the checkout flow', 'past')).toBe('Design of the checkout flow');
    expect(withLeadingTense('Teaching Assistant for Algorithms', 'past')).toBe('Teaching Assistant for Algorithms');
    expect(withLeadingTense('Automated tests cover 90% of the code', 'present')).toBe('Automated tests cover 90% of the code');
    expect(withLeadingTense('LED lighting retrofit', 'past')).toBe('LED lighting retrofit');
  });

  it('keeps finished milestones of the current role in the past', () => {
    expect(withLeadingTense('Raised $18M Series A', 'present')).toBe('Raised $18M Series A');
    expect(withLeadingTense('Won the regional hackathon', 'present')).toBe('Won the regional hackathon');
    expect(withLeadingTense('Scaled the team from 3 to 28 engineers', 'present')).toBe('Scaled the team from 3 to 28 engineers');
  });

  it('leaves text that starts with no known verb unchanged', () => {
    for (const text of ['Everything that matters.', 'Re-architected the editor', 'Entwickelte eine App', '']) {
      expect(withLeadingTense(text, 'past')).toBe(text);
      expect(withLeadingTense(text, 'present')).toBe(text);
    }
  });
});

describe('prevailingTense', () => {
  it('follows most bullets, the past on a tie', () => {
    expect(prevailingTense(['Lead the team', 'Build the app', 'Wrote docs'])).toBe('present');
    expect(prevailingTense(['Led the team', 'Build the app'])).toBe('past');
    expect(prevailingTense([])).toBe('past');
  });
});
