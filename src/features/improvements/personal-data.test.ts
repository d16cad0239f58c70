import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { JsonResume } from '../../resume/json-resume.js';
import { parseResume } from '../../resume/parse-resume.js';
import { findPhones, findUrls, looksLikePhone, redactPersonalData } from './personal-data.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/cvs');

/** Every CV the fixtures hold: the reference texts parsed, and the JSON Resume sample. */
function fixtureResumes(): { name: string; resume: JsonResume; text: string }[] {
  const parsed = readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.reference.txt'))
    .map((file) => {
      const text = readFileSync(path.join(FIXTURES, file), 'utf8');
      return { name: file, resume: parseResume(text).resume, text };
    });
  const sample = readFileSync(path.join(FIXTURES, 'jsonresume_sample.resume.json'), 'utf8');
  return [...parsed, { name: 'jsonresume_sample', resume: JSON.parse(sample) as JsonResume, text: sample }];
}

/** The personal values of a CV's basics that must never leave: long enough to be searched for. */
function personalValues(resume: JsonResume): string[] {
  const basics = resume.basics ?? {};
  const values = [
    basics.email,
    basics.phone,
    basics.url,
    basics.image,
    basics.location?.address,
    basics.location?.postalCode,
    ...(basics.profiles ?? []).flatMap((profile) => [profile.url, profile.username]),
  ];
  return values.filter((value): value is string => typeof value === 'string' && value.trim().length >= 4).map((value) => value.trim());
}

const janeDoe = (): JsonResume => ({
  basics: {
    name: 'Jane Doe',
    label: 'Backend Engineer',
    image: 'https://photos.example.com/jane.jpg',
    email: 'jane.doe@mail.example.org',
    phone: '+44 20 7946 0958',
    url: 'https://janedoe.dev',
    summary: 'Backend engineer (jane.doe@mail.example.org, +44 20 7946 0958). Portfolio: https://janedoe.dev. Date of birth: 12/03/1990.',
    location: { address: '221B Baker Street', postalCode: 'NW1 6XE', city: 'London', countryCode: 'GB' },
    profiles: [
      { network: 'GitHub', username: 'janedoe-dev', url: 'https://github.com/janedoe-dev' },
      { network: 'LinkedIn', username: 'jane-doe-1990', url: 'https://www.linkedin.com/in/jane-doe-1990' },
    ],
  },
  work: [
    {
      name: 'Acme Payments',
      position: 'Backend Engineer',
      url: 'https://acme-payments.example.com',
      startDate: '2019-03',
      highlights: [
        'Cut checkout latency by 35% for 1,200,000 users between 2019 – 2021',
        'Published my tooling at github.com/janedoe-dev/tools; call me on (555) 123-4567 or 555.123.4567',
      ],
    },
  ],
});

describe('redactPersonalData', () => {
  it('replaces contact details, addresses, birth dates and personal URLs in the CV and in the texts, the same value by the same placeholder', () => {
    const source = janeDoe();
    const redaction = redactPersonalData(source, {
      jobDescription: 'Send your CV to careers@acme.example.com. Questions: +1 (415) 555-0100.',
      prompt: 'Please stress my open source work at github.com/janedoe-dev/tools; my mail is jane.doe@mail.example.org. Born 12 March 1990.',
    });
    const sent = JSON.stringify({ resume: redaction.resume, texts: redaction.texts });

    for (const value of [
      ...personalValues(source),
      'github.com/janedoe-dev/tools',
      '(555) 123-4567',
      '555.123.4567',
      '12/03/1990',
      '12 March 1990',
      'careers@acme.example.com',
      '+1 (415) 555-0100',
      'https://acme-payments.example.com',
    ]) {
      expect(sent, value).not.toContain(value);
    }
    expect(redaction.resume.basics?.image).toBeUndefined();
    const email = redaction.resume.basics?.email;
    expect(email).toMatch(/^\[EMAIL_\d+\]$/);
    expect(redaction.resume.basics?.summary).toContain(email);
    expect(redaction.texts.prompt).toContain(email);
    expect(redaction.resume.basics?.summary).toContain(`Date of birth: [BIRTH_DATE_`);
    expect(redaction.texts.prompt).toMatch(/Born \[BIRTH_DATE_\d+\]\./);
    expect(redaction.resume.basics?.profiles?.map((profile) => profile.network)).toEqual(['GitHub', 'LinkedIn']);
    // What is not personal stays: figures, years, names of employers and places.
    expect(redaction.resume.work?.[0]?.highlights?.[0]).toBe('Cut checkout latency by 35% for 1,200,000 users between 2019 – 2021');
    expect(redaction.resume.basics?.location?.city).toBe('London');
    expect(redaction.found).toBeGreaterThanOrEqual(12);
  });

  it('finds dates of birth in several languages and leaves other dates alone', () => {
    const lines = [
      'Date of birth: 12/03/1990',
      'DOB: 1990-03-12',
      'Geboren am 12. März 1990 in Köln',
      'Née le 3 mars 1985 à Lyon',
      'Fecha de nacimiento: 03/05/1985',
      'born on March 12, 1990',
      'Born in 1988, raised in Leeds',
    ];
    const redaction = redactPersonalData({ basics: { summary: lines.join('\n') }, work: [{ name: 'Acme', startDate: '2019-03', summary: 'Joined on 12/03/2019' }] }, {});
    const summary = redaction.resume.basics?.summary ?? '';
    for (const date of ['12/03/1990', '1990-03-12', '12. März 1990', '3 mars 1985', '03/05/1985', 'March 12, 1990', '1988']) expect(summary).not.toContain(date);
    expect(summary.match(/\[BIRTH_DATE_\d+\]/g)).toHaveLength(lines.length);
    expect(summary).toContain('Geboren am [BIRTH_DATE_');
    expect(summary).toContain('in Köln');
    expect(redaction.resume.work?.[0]).toEqual({ name: 'Acme', startDate: '2019-03', summary: 'Joined on 12/03/2019' });
  });

  it('treats a birth date field of an extended CV as a birth date', () => {
    const resume = { basics: { name: 'Jane', birthDate: '1990-03-12' } } as JsonResume;
    const redaction = redactPersonalData(resume, {});
    expect(JSON.stringify(redaction.resume)).not.toContain('1990-03-12');
  });

  it.each(fixtureResumes())('keeps no personal value of $name and restores the CV exactly', ({ resume, text }) => {
    const redaction = redactPersonalData(resume, { cvText: text, prompt: 'Make it fit the job.' });
    const sent = JSON.stringify(redaction.resume);
    for (const value of personalValues(resume)) expect(sent).not.toContain(value);
    expect(redaction.restore(structuredClone(redaction.resume))).toEqual(resume);
    expect(redaction.restoreText(redaction.texts.cvText ?? '')).toBe(text);
  });

  it('puts the source contact details back whatever the model did with them, and placeholders wherever the model moved them', () => {
    const source = janeDoe();
    const redaction = redactPersonalData(source, {});
    const email = redaction.resume.basics?.email ?? '';
    const url = redaction.resume.work?.[0]?.url ?? '';
    const improved: JsonResume = {
      basics: {
        name: 'J. Doe',
        label: 'Senior Backend Engineer',
        email: 'someone@else.example',
        phone: '[PHONE_7]',
        summary: `Reach me at ${email}.`,
        location: { city: 'Paris' },
      },
      work: [{ name: 'Acme Payments', url, highlights: [`Built ${url} [URL_99] payments`] }],
    };
    const restored = redaction.restore(improved);
    expect(restored.basics).toEqual({
      ...source.basics,
      label: 'Senior Backend Engineer',
      summary: 'Reach me at jane.doe@mail.example.org.',
    });
    expect(restored.work?.[0]?.url).toBe('https://acme-payments.example.com');
    // A placeholder the model made up stands for nothing and is left out.
    expect(restored.work?.[0]?.highlights).toEqual(['Built https://acme-payments.example.com payments']);
    expect(Value.Check(JsonResume, restored)).toBe(true);
  });

  it('does not hand out a placeholder the input already shows', () => {
    const redaction = redactPersonalData({ basics: { email: 'a.b@example.com', summary: 'I wrote [EMAIL_1] in my template' } }, {});
    expect(redaction.resume.basics?.email).toBe('[EMAIL_2]');
    expect(redaction.restoreText('[EMAIL_2] and [EMAIL_1]')).toBe('a.b@example.com and');
  });

  it('keeps the references of the source, which the model is never asked to write', () => {
    const source: JsonResume = { basics: { name: 'Jane' }, references: [{ name: 'Erlich Bachman', reference: 'Great.' }] };
    const redaction = redactPersonalData(source, {});
    expect(redaction.restore({ basics: { summary: 'x' } }).references).toEqual(source.references);
  });
});

describe('phone numbers', () => {
  it.each(['+44 20 7946 0958', '(555) 123-4567', '555.123.4567', '+91-9876543210', '(+82) 10-9030-1843', '06 12 34 56 78', '+1-123-456-7890', '030 1234567', '0049 30 1234567', '9876543210'])(
    'finds %s',
    (phone) => {
      expect(findPhones(`Call ${phone} today`)).toEqual([phone]);
    },
  );

  it.each([
    '2019 – 2021',
    '2019-2021',
    '2019 - 2021',
    '2013-12-01',
    '12.03.2019',
    '03/2019 - 05/2021',
    'increased sales 35%',
    'grew to 1,200,000 users',
    'served 1.200.000 Kunden',
    '1 200 000 € de chiffre',
    '$1 200 000 raised',
    'version 10.15.7',
    '192.168.100.200',
    'GPA 3.8/4.0',
    'ISBN 978-3-16-148410-0',
    'ISO 27001:2013',
    'from 2015 to 2019, then 2020 2021',
    'a team of 12 across 3 sites',
  ])('leaves %s alone', (text) => {
    expect(findPhones(text)).toEqual([]);
    expect(redactPersonalData({ basics: { summary: text } }, {}).resume.basics?.summary).toBe(text);
  });

  it('reads a run of digits by its separators', () => {
    expect(looksLikePhone('1234567')).toBe(false);
    expect(looksLikePhone('123 4567')).toBe(true);
    expect(looksLikePhone('1 234 567', '$')).toBe(false);
  });
});

describe('findUrls', () => {
  it('finds written and bare URLs and leaves library names alone', () => {
    expect(findUrls('See https://en.wikipedia.org/wiki/Silicon_Valley_(TV_series). Also www.posquit0.com, linkedin.com/in/johndoe and johndoe.me.')).toEqual([
      'https://en.wikipedia.org/wiki/Silicon_Valley_(TV_series)',
      'www.posquit0.com',
      'linkedin.com/in/johndoe',
      'johndoe.me',
    ]);
    expect(findUrls('Node.js, ASP.NET, socket.io, Vue.js and e.g. 3.5 years')).toEqual([]);
  });
});
