import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { JsonResume } from '../../resume/json-resume.js';
import { resumeAsMarkdown } from '../improvements/resume-markdown.js';
import { resumeFromMarkdown } from './markdown-resume.js';

const root = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));
const fixtures = ['cvs/jsonresume_sample.resume.json', 'improvements/jane-roe.resume.json'].map((file) => ({
  file,
  resume: JSON.parse(readFileSync(`${root}${file}`, 'utf8')) as JsonResume,
}));

/** "2013-12-01" → "2013-12": the Markdown shows months, so days do not come back. */
const month = (date: string | undefined) => date?.slice(0, 7);

describe('resumeFromMarkdown', () => {
  for (const { file, resume } of fixtures) {
    it(`reads back what resumeAsMarkdown wrote of ${file}`, () => {
      const { resume: back, warnings } = resumeFromMarkdown(resumeAsMarkdown(resume));
      expect(warnings).toEqual([]);
      const basics = resume.basics ?? {};
      expect(back.basics).toMatchObject({ name: basics.name, label: basics.label, email: basics.email, phone: basics.phone, url: basics.url });
      expect(back.basics?.summary).toBe(basics.summary);
      expect(back.work).toHaveLength(resume.work?.length ?? 0);
      (resume.work ?? []).forEach((role, index) => {
        const read = back.work?.[index];
        expect(read, `work ${index}`).toMatchObject({ position: role.position, name: role.name, startDate: month(role.startDate) });
        expect(read?.endDate).toBe(month(role.endDate));
        expect(read?.highlights).toEqual(role.highlights);
      });
      expect(back.education?.map(({ institution, studyType, area }) => ({ institution, studyType, area }))).toEqual(
        (resume.education ?? []).map(({ institution, studyType, area }) => ({ institution, studyType, area })),
      );
      expect(back.skills?.map((skill) => skill.keywords)).toEqual(resume.skills?.map((skill) => skill.keywords));
      for (const [index, skill] of (resume.skills ?? []).entries()) expect(back.skills?.[index]?.name).toContain(skill.name);
    });
  }

  it('reads the Markdown a language model writes: bold, links, numbered and starred bullets, rules, escapes', () => {
    const markdown = [
      '# **Maria Lopez**',
      '*Senior Data Engineer*',
      '',
      '📧 [maria.lopez@example.com](mailto:maria.lopez@example.com) | 📞 +1 415 555 0199 | [LinkedIn](https://www.linkedin.com/in/marialopez)',
      '',
      '---',
      '',
      '## Professional Summary',
      'Data engineer with **8 years** of experience building pipelines in `Python` and Spark.',
      '',
      '## Work Experience',
      '',
      '### Senior Data Engineer — Streamly Inc.',
      '*March 2020 – Present* | San Francisco, CA',
      '',
      '* Cut nightly batch time by **45%** by moving jobs to [Apache Spark](https://spark.apache.org)',
      '* Led a team of 4 engineers\\* on the \\#1 priority project',
      '',
      '### Data Engineer at DataCorp',
      '_June 2016 – February 2020_',
      '',
      '1. Built the ingestion service for 3 TB of events a day',
      '2. Wrote the on-call guide <b>used by every team</b><script>alert(1)</script>',
      '',
      '---',
      '',
      '## Education',
      '### B.Sc. in Computer Science — Stanford University',
      '2012 – 2016',
      '',
      '## Skills',
      '- **Languages:** Python, SQL, Scala',
      '- **Tools:** Spark, Airflow, Kafka',
    ].join('\n');
    const { resume, warnings } = resumeFromMarkdown(markdown);
    expect(warnings.map((warning) => warning.code)).toEqual(['html_removed']);
    expect(resume.basics).toMatchObject({ name: 'Maria Lopez', email: 'maria.lopez@example.com' });
    expect(resume.basics?.phone).toContain('415 555 0199');
    expect(resume.basics?.profiles?.[0]).toMatchObject({ network: 'LinkedIn', url: 'https://www.linkedin.com/in/marialopez' });
    expect(resume.basics?.summary).toBe('Data engineer with 8 years of experience building pipelines in Python and Spark.');
    expect(resume.work?.map(({ position, name, startDate, endDate }) => ({ position, name, startDate, endDate }))).toEqual([
      { position: 'Senior Data Engineer', name: 'Streamly Inc.', startDate: '2020-03', endDate: undefined },
      { position: 'Data Engineer', name: 'DataCorp', startDate: '2016-06', endDate: '2020-02' },
    ]);
    expect(resume.work?.[0]?.highlights).toEqual(['Cut nightly batch time by 45% by moving jobs to Apache Spark', 'Led a team of 4 engineers* on the #1 priority project']);
    expect(resume.work?.[1]?.highlights).toEqual(['Built the ingestion service for 3 TB of events a day', 'Wrote the on-call guide used by every team']);
    expect(resume.education?.[0]).toMatchObject({ institution: 'Stanford University', startDate: '2012', endDate: '2016' });
    expect(resume.skills).toEqual([
      { name: 'Languages', keywords: ['Python', 'SQL', 'Scala'] },
      { name: 'Tools', keywords: ['Spark', 'Airflow', 'Kafka'] },
    ]);
    expect(JSON.stringify(resume)).not.toMatch(/<|alert|\*\*|\]\(/);
  });

  it('ends a section at any heading, known to the parser or not', () => {
    const markdown = ['# Sam Poe', 'sam@example.com', '', '## Experience', '### Engineer — Acme', '2019 – 2021', '- Shipped the app', '', '## Open Source', '- Maintainer of a parser library', ''].join('\n');
    const { resume } = resumeFromMarkdown(markdown);
    expect(resume.work).toEqual([{ name: 'Acme', position: 'Engineer', startDate: '2019', endDate: '2021', highlights: ['Shipped the app'] }]);
  });
});
