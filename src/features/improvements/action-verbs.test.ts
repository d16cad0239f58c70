import { describe, expect, it } from 'vitest';
import { strengthenOpening, strengthenSentences } from './action-verbs.js';

const past = { tense: 'past' as const, technical: false };
const present = { tense: 'present' as const, technical: false };
const technicalPast = { tense: 'past' as const, technical: true };

describe('strengthenOpening', () => {
  it('turns what a person was responsible for doing into the doing, in the role’s tense', () => {
    expect(strengthenOpening('Responsible for managing a team of 5', past)).toEqual({ text: 'Managed a team of 5', weakPhrase: 'Responsible for' });
    expect(strengthenOpening('Responsible for managing a team of 5', present)?.text).toBe('Manage a team of 5');
    expect(strengthenOpening('Was responsible for planning and running the events', past)?.text).toBe('Planned and ran the events');
    expect(strengthenOpening('Tasked with building the reporting pipeline', past)?.text).toBe('Built the reporting pipeline');
    expect(strengthenOpening('In charge of writing the weekly newsletter', present)?.text).toBe('Write the weekly newsletter');
    expect(strengthenOpening('Duties included training new staff', past)?.text).toBe('Trained new staff');
  });

  it('owns, oversees or handles a thing without saying more than the phrase did', () => {
    expect(strengthenOpening('Responsible for the billing service', past)?.text).toBe('Owned the billing service');
    expect(strengthenOpening('Responsible for marketing and sales', present)?.text).toBe('Own marketing and sales');
    expect(strengthenOpening('In charge of the warehouse', past)?.text).toBe('Oversaw the warehouse');
    expect(strengthenOpening('Tasked with customer enquiries', past)?.text).toBe('Handled customer enquiries');
    // "testing of" names a thing, not something done.
    expect(strengthenOpening('Responsible for testing of the mobile app', past)?.text).toBe('Owned testing of the mobile app');
  });

  it('says "Developed" for software worked on in a technical role, and "Contributed to" otherwise', () => {
    expect(strengthenOpening('Worked on the billing service', technicalPast)?.text).toBe('Developed the billing service');
    expect(strengthenOpening('Worked on the billing service', past)?.text).toBe('Contributed to the billing service');
    expect(strengthenOpening('Worked on the annual report for the board', technicalPast)?.text).toBe('Contributed to the annual report for the board');
    expect(strengthenOpening('Worked on improving the onboarding flow', technicalPast)?.text).toBe('Contributed to improving the onboarding flow');
  });

  it('never turns helping or taking part into doing', () => {
    expect(strengthenOpening('Helped to reduce costs by 10%', past)?.text).toBe('Contributed to reducing costs by 10%');
    expect(strengthenOpening('Helped design the new API', past)?.text).toBe('Contributed to designing the new API');
    expect(strengthenOpening('Helped customers resolve billing issues', past)?.text).toBe('Supported customers in resolving billing issues');
    expect(strengthenOpening('Helped with the office move', present)?.text).toBe('Support the office move');
    expect(strengthenOpening('Assisted in developing web applications', past)?.text).toBe('Contributed to developing web applications');
    expect(strengthenOpening('Assisted with the data migration', past)?.text).toBe('Supported the data migration');
    expect(strengthenOpening('Assisted the head chef', past)?.text).toBe('Supported the head chef');
    expect(strengthenOpening('Participated in Agile ceremonies', past)?.text).toBe('Contributed to Agile ceremonies');
    expect(strengthenOpening('Involved in hiring 3 engineers', present)?.text).toBe('Contribute to hiring 3 engineers');
    expect(strengthenOpening('Was part of the team that won the award', past)?.text).toBe('Contributed to the team that won the award');
  });

  it('leaves text alone when there is no weak opening or no truthful rewrite', () => {
    expect(strengthenOpening('Led a team of 5', past)).toBeUndefined();
    expect(strengthenOpening('Worked closely with designers', past)).toBeUndefined();
    expect(strengthenOpening('Responsible for', past)).toBeUndefined();
    // An activity we cannot put in the past is not guessed at.
    expect(strengthenOpening('Responsible for wrangling the interns', past)).toBeUndefined();
    expect(strengthenOpening('Helped to frobnicate the widgets', past)).toBeUndefined();
    expect(strengthenOpening('Verantwortlich für das Team', past)).toBeUndefined();
  });
});

describe('strengthenSentences', () => {
  it('rewrites the opening of each sentence and keeps everything between them', () => {
    const result = strengthenSentences('Built the app.  Worked on the API with the platform team.\nHelped to hire 2 engineers', technicalPast);
    expect(result.text).toBe('Built the app.  Developed the API with the platform team.\nContributed to hiring 2 engineers');
    expect(result.weakPhrases).toEqual(['Worked on', 'Helped to']);
    expect(result.firstChanged).toBe(false);
  });
});
