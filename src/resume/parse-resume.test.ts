import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import mammoth from 'mammoth';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { compareWithExpected, type CvExpectation } from '../../test/support/cv-expectations.js';
import { JsonResume } from './json-resume.js';
import { parseResume } from './parse-resume.js';
import { normaliseText } from './parse/text.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/cvs/', import.meta.url));
const expectations = JSON.parse(readFileSync(`${fixtures}expected.json`, 'utf8')) as Record<string, CvExpectation | string>;

/** The DOCX as a reader sees it: paragraphs and line breaks as lines (mammoth's HTML, tags dropped). */
async function docxText(file: string): Promise<string> {
  const { value } = await mammoth.convertToHtml({ buffer: readFileSync(file) });
  return value
    .replace(/<br\s*\/?>|<\/(?:p|h[1-6]|li|tr)>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

async function fixtureText(file: string): Promise<string> {
  if (file.endsWith('.docx')) return docxText(`${fixtures}${file}`);
  return readFileSync(`${fixtures}${file.replace(/\.(?:pdf|txt)$/, '.reference.txt')}`, 'utf8');
}

const cases = Object.entries(expectations).flatMap(([file, expected]) => (typeof expected === 'string' ? [] : [{ file, expected }]));

/** Every string in a value, with the key it sits under. */
function strings(value: unknown, key = ''): { key: string; text: string }[] {
  if (typeof value === 'string') return [{ key, text: value }];
  if (Array.isArray(value)) return value.flatMap((item) => strings(item, key));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([name, item]) => strings(item, name));
  return [];
}

// Dates are normalised to ISO and a profile's network is a label we give ("LinkedIn"); every other
// string must be a piece of the text itself.
const DERIVED_KEYS = new Set(['startDate', 'endDate', 'date', 'releaseDate', 'network']);
const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('parseResume on the fixture CVs', () => {
  it('has an expectation for every fixture CV', () => {
    expect(cases.map((entry) => entry.file).sort()).toEqual(
      [
        'alfred-pennyworth_moderncv.pdf',
        'altacv_sample_two-column.pdf',
        'awesome-cv_resume.pdf',
        'john-doe_pandoc-latex.pdf',
        'john-doe_plain.txt',
        'john-doe_word-mac.docx',
        'john-smith_word2016.pdf',
        'moderncv_chinese_template.pdf',
        'openresume_react-pdf.pdf',
        'reactive-resume_gengar_sidebar.pdf',
        'rendercv_classic_typst.pdf',
        'sourabh-bajaj_sb2nov.pdf',
      ].sort(),
    );
  });

  for (const { file, expected } of cases) {
    it(`finds the name, e-mail, employers, titles and schools of ${file}`, async () => {
      const { resume } = parseResume(await fixtureText(file));
      const report = compareWithExpected(resume, expected);
      expect(report.failures).toEqual([]);
      expect(report.passed).toBe(report.checks);
    });
  }

  it('reads the sidebar CV when the lines of each column are kept together, as our extractor gives them', () => {
    const sidebarFirst = `John Doe
Creative and Innovative Web
Developer
Pleasantville, CA 94588
(555) 123-4567
john.doe@gmail.com
Skills
Web Technologies
HTML5, JavaScript, PHP, Python
Experience
Creative Solutions Inc.
January 2019 to Present
Senior Web Developer
San Francisco, CA
Spearheaded the redesign of the main product website, resulting in a 40%
increase in user engagement.
TechAdvancers
June 2016 to December 2018
Web Developer
San Jose, CA
Optimized application performance, achieving a 30% reduction in load times.
Education
University of California
August 2012 to May 2016
Bachelor's in Computer Science
Projects
E-Commerce Platform
Project Lead
Led the development of a full-stack e-commerce platform, improving sales
conversion by 25%.
`;
    const expected = cases.find((entry) => entry.file === 'reactive-resume_gengar_sidebar.pdf')?.expected;
    if (expected === undefined) throw new Error('no expectation for the sidebar CV');
    const { resume } = parseResume(sidebarFirst);
    expect(compareWithExpected(resume, expected).failures).toEqual([]);
    expect(resume.work?.[1]).toMatchObject({ location: 'San Jose, CA', startDate: '2016-06', endDate: '2018-12' });
    expect(resume.projects).toEqual([
      {
        name: 'E-Commerce Platform',
        roles: ['Project Lead'],
        description: 'Led the development of a full-stack e-commerce platform, improving sales conversion by 25%.',
      },
    ]);
  });

  it('gives output that validates against the JSON Resume schema, takes every string from the text, and warns of nothing', async () => {
    for (const { file } of cases) {
      const text = await fixtureText(file);
      const { resume, warnings } = parseResume(text);
      expect(Value.Check(JsonResume, resume), file).toBe(true);
      expect(warnings, file).toEqual([]);
      const source = flat(normaliseText(text));
      // A multi-line value (a summary, a description) gathers lines: each line must be in the text.
      const invented = strings(resume)
        .filter(({ key }) => !DERIVED_KEYS.has(key))
        .flatMap(({ text: value }) => value.split('\n'))
        .filter((line) => !source.includes(flat(line)));
      expect(invented, file).toEqual([]);
    }
  });

  it('is deterministic', async () => {
    for (const { file } of cases) {
      const text = await fixtureText(file);
      expect(JSON.stringify(parseResume(text)), file).toBe(JSON.stringify(parseResume(text)));
    }
  });

  it('reads the details around the names: dates, current roles, highlights, skills groups, score', async () => {
    const plain = parseResume(await fixtureText('john-doe_plain.txt')).resume;
    expect(plain.work?.[0]).toMatchObject({ name: 'ABC Tech Solutions', position: 'Senior Software Developer', location: 'Anytown, USA', startDate: '2020-01' });
    expect(plain.work?.[0]?.endDate).toBeUndefined();
    expect(plain.work?.[0]?.highlights).toHaveLength(5);
    expect(plain.work?.[1]).toMatchObject({ startDate: '2017-06', endDate: '2019-12' });
    expect(plain.education?.[0]).toMatchObject({ studyType: 'Bachelor of Science', area: 'Computer Science', score: '3.8/4.0', endDate: '2015-05' });
    expect(plain.skills?.[0]).toEqual({ name: 'Programming Languages', keywords: ['Python', 'JavaScript', 'TypeScript', 'Java', 'SQL'] });
    expect(plain.certificates?.map((certificate) => certificate.name)).toEqual(['AWS Certified Solutions Architect – Associate', 'MongoDB Certified Developer', 'Certified Scrum Master']);
    expect(plain.projects?.map((project) => project.name)).toEqual(['Personal Portfolio Website', 'Open Source Contribution']);
    expect(plain.languages).toEqual([
      { language: 'English', fluency: 'Native' },
      { language: 'Spanish', fluency: 'Intermediate' },
    ]);
    expect(plain.basics).toMatchObject({ phone: '(555) 123-4567', profiles: [{ network: 'LinkedIn', url: 'linkedin.com/in/johndoe', username: 'johndoe' }] });

    const moderncv = parseResume(await fixtureText('alfred-pennyworth_moderncv.pdf')).resume;
    expect(moderncv.basics).toMatchObject({ label: 'Product Manager', phone: '(123) 456-7890', location: { address: 'Silicon Valley, CA, USA' } });
    expect(moderncv.work?.[0]).toMatchObject({ name: 'Google', startDate: '2017', location: 'Mountain View, CA, USA' });
    expect(moderncv.work?.[0]?.endDate).toBeUndefined();
    expect(moderncv.work?.[4]).toMatchObject({ name: 'Facebook', startDate: '1999', endDate: '2002' });

    const sb2nov = parseResume(await fixtureText('sourabh-bajaj_sb2nov.pdf')).resume;
    expect(sb2nov.work?.[1]).toMatchObject({ name: 'Coursera', position: 'Senior Software Engineer', startDate: '2014-01', endDate: '2016-10' });
    expect(sb2nov.work?.[1]?.highlights).toHaveLength(9);
    expect(sb2nov.work?.[1]?.highlights?.[0]).toMatch(/^Notifications: .* marketing etc\.$/);
  });

  it('reads a wide gap (a tab) as a field separator, bulleted entry lines, dates beside a bullet and numbered footers', () => {
    const text = [
      'Jane Roe\tjane@example.com',
      'Experience',
      '• Acme Robotics\tMountain View, CA',
      'Software Engineer\tOct 2016 – Present',
      '◦ Built the planner that routes every robot in the warehouse.',
      '◦ Cut the time to deploy from a day to an hour.',
      '',
      'Jane Roe · Résumé\t1',
      '',
      'Nimbus Labs, Research Intern\tLondon, UK',
      '• Designed a sparse attention mechanism reducing memory footprint by half\tMay 2015 – Aug 2015',
      '• Co-authored a paper accepted at a workshop\t4 months',
      ...Array.from({ length: 20 }, (_, n) => `• Wrote report number ${n + 1} about the state of the robots.`),
      'Jane Roe · Résumé\t2',
      'Education',
      'PhD Princeton University, Computer Science\tPrinceton, NJ',
      '• Thesis: Efficient Search for Constrained Deployment\tSept 2010 – May 2015',
    ].join('\n');
    const { resume } = parseResume(text);
    expect(resume.work?.map(({ name, position, location, startDate, endDate }) => ({ name, position, location, startDate, endDate }))).toEqual([
      { name: 'Acme Robotics', position: 'Software Engineer', location: 'Mountain View, CA', startDate: '2016-10', endDate: undefined },
      { name: 'Nimbus Labs', position: 'Research Intern', location: 'London, UK', startDate: '2015-05', endDate: '2015-08' },
    ]);
    expect(resume.work?.[1]?.highlights?.[0]).toBe('Designed a sparse attention mechanism reducing memory footprint by half');
    expect(JSON.stringify(resume)).not.toContain('Résumé');
    expect(resume.education?.[0]).toMatchObject({ institution: 'Princeton University', studyType: 'PhD', area: 'Computer Science', startDate: '2010-09' });
  });

  it('warns when a text is empty, has no headings or no contact data', () => {
    expect(parseResume('  \n ').warnings.map((warning) => warning.code)).toEqual(['empty']);
    const bare = parseResume('Jane Smith\nI like gardening and long walks by the river.');
    expect(bare.warnings.map((warning) => warning.code).sort()).toEqual(['no_contact', 'no_sections']);
    expect(bare.resume.basics?.name).toBe('Jane Smith');
  });
});
