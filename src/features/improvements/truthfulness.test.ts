import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { JsonResume } from '../../resume/json-resume.js';
import { parseResume } from '../../resume/parse-resume.js';
import { improveResume } from './offline-improver.js';
import { enforceTruthfulness, type TruthEvidence } from './truthfulness.js';

const source = (): JsonResume => ({
  basics: {
    name: 'Maria Lopez',
    label: 'Senior Data Engineer',
    summary: 'Data engineer with 8 years of experience building pipelines in Python and Spark.',
  },
  work: [
    {
      name: 'Northwind Traders Ltd',
      position: 'Senior Data Engineer',
      url: 'https://northwind.example.com',
      startDate: '2020-02',
      highlights: [
        'Grew revenue 20% by building a recommendation pipeline in Spark',
        'Cut nightly batch time from 6 hours to 45 minutes',
        'Managed a $2M cloud budget across 3 AWS accounts',
        'Migrated 1,200 tables to Snowflake',
      ],
    },
    {
      name: 'Contoso GmbH',
      position: 'Data Engineer',
      startDate: '2016-09',
      endDate: '2020-01',
      highlights: ['Built ETL jobs in Python and Airflow serving 40 analysts', 'Reduced data errors by 35 percent with automated checks'],
    },
  ],
  education: [{ institution: 'Technical University of Munich', studyType: 'Master of Science', area: 'Informatics', startDate: '2014', endDate: '2016' }],
  certificates: [{ name: 'AWS Certified Data Analytics – Specialty', issuer: 'Amazon Web Services', date: '2021-05' }],
  skills: [
    { name: 'Data', keywords: ['Python', 'Spark', 'Airflow', 'Snowflake', 'SQL'] },
    { name: 'Cloud', keywords: ['AWS'] },
  ],
  languages: [
    { language: 'Spanish', fluency: 'Native' },
    { language: 'English', fluency: 'Fluent' },
  ],
  projects: [{ name: 'Open data portal', url: 'https://github.com/mlopez/open-data', highlights: ['Published 12 public datasets'] }],
});

/** A rewrite that keeps every fact: strong verbs, other order, abbreviations, figures written another way. */
const faithfulRewrite = (): JsonResume => ({
  basics: {
    name: 'Maria Lopez',
    label: 'Sr. Data Engineer',
    summary: 'Senior data engineer with 8 years of experience designing Spark and Python pipelines.',
  },
  work: [
    {
      name: 'Northwind Traders',
      position: 'Senior Data Engineer',
      url: 'https://northwind.example.com/',
      startDate: '2020-02',
      highlights: [
        'Migrated 1200 tables to Snowflake',
        'Drove a 20% revenue increase by designing a Spark recommendation pipeline',
        'Owned a $2 million cloud budget spanning 3 AWS accounts',
        'Shortened the nightly batch from six hours to 45 minutes',
      ],
    },
    {
      name: 'Contoso',
      position: 'Data Engineer',
      startDate: '2016-09',
      endDate: '2020-01',
      highlights: ['Engineered Python and Airflow ETL jobs used by 40 analysts', 'Lowered data errors by 35% through automated checks'],
    },
  ],
  education: [{ institution: 'Technical Univ. of Munich', studyType: 'MSc', area: 'Informatics', startDate: '2014', endDate: '2016' }],
  certificates: [{ name: 'AWS Certified Data Analytics - Specialty', issuer: 'Amazon Web Services', date: '2021-05' }],
  skills: [
    { name: 'Cloud', keywords: ['AWS'] },
    { name: 'Data Engineering', keywords: ['SQL', 'Python', 'Spark', 'Airflow', 'snowflake'] },
  ],
  languages: [
    { language: 'English', fluency: 'Fluent' },
    { language: 'Spanish', fluency: 'native' },
  ],
  projects: [{ name: 'Open Data Portal', url: 'https://github.com/mlopez/open-data', highlights: ['Published 12 public datasets'] }],
});

const noEvidence: TruthEvidence = { questionnaireText: '', keywordsMissing: [] };

/** The faithful rewrite with one change made, checked. */
function check(change: (improved: JsonResume) => void, evidence: TruthEvidence = noEvidence) {
  const improved = faithfulRewrite();
  change(improved);
  const result = enforceTruthfulness(source(), improved, evidence);
  expect(Value.Check(JsonResume, result.resume)).toBe(true);
  return result;
}

describe('enforceTruthfulness leaves a faithful rewrite alone', () => {
  it('keeps strong verbs, reordered bullets and entries, abbreviations and the same figures written differently', () => {
    const result = enforceTruthfulness(source(), faithfulRewrite(), noEvidence);
    expect(result.fabrications).toEqual([]);
    expect(result.resume).toEqual(faithfulRewrite());
  });

  it('keeps a faithful rewrite of a CV read from a file', () => {
    const text = readFileSync(path.resolve(import.meta.dirname, '../../../test/fixtures/cvs/john-doe_plain.reference.txt'), 'utf8');
    const original = parseResume(text).resume;
    const improved = structuredClone(original);
    improved.basics!.summary =
      'Full-stack software developer with 5+ years of experience in Python, JavaScript and cloud technologies, with a proven record of delivering high-quality applications and leading development teams.';
    const [first, second] = [improved.work![0]!, improved.work![1]!];
    first.position = 'Sr. Software Developer';
    first.highlights = [
      'Delivered RESTful APIs with Django REST Framework handling more than 1 million requests daily',
      "Spearheaded a 5-developer team building a cloud-based inventory management system, improving clients' operational efficiency by 30%",
      'Cut response time by 40% by optimising database queries',
    ];
    second.name = 'XYZ Software';
    improved.work = [second, first];
    improved.education![0]!.studyType = 'B.Sc.';
    improved.skills![2]!.name = 'Cloud and DevOps';
    const result = enforceTruthfulness(original, improved, { questionnaireText: 'I would like a backend role.', keywordsMissing: ['Terraform', 'GraphQL'] });
    expect(result.fabrications).toEqual([]);
    expect(result.resume).toEqual(improved);
    expect(result.gaps).toEqual(['Terraform', 'GraphQL']);
  });

  it('accepts what the questionnaire says', () => {
    const result = check(
      (improved) => {
        improved.work![1]!.highlights!.push('Trained 15 analysts in SQL');
        improved.work![1]!.position = 'Lead Data Engineer';
      },
      { questionnaireText: 'At Contoso I was promoted to Lead Data Engineer and trained 15 analysts in SQL.', keywordsMissing: [] },
    );
    expect(result.fabrications).toEqual([]);
  });
});

describe('enforceTruthfulness and the offline rules', () => {
  it('finds nothing invented in the offline rewrite of any fixture CV, whatever its language', () => {
    const directory = path.resolve('test/fixtures/cvs');
    const files = readdirSync(directory).filter((file) => file.endsWith('.reference.txt'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const { resume } = parseResume(readFileSync(path.join(directory, file), 'utf8'));
      const target = { position: 'Engineer', industry: 'Software', experienceLevel: '3-5' as const, jobDescription: '', companySize: 'small', location: '' };
      const improved = improveResume({ resume, target, keywordsFound: [] }).resume;
      const result = enforceTruthfulness(resume, improved, noEvidence);
      expect(result.fabrications, file).toEqual([]);
      expect(result.resume, file).toEqual(improved);
    }
  });
});

describe('enforceTruthfulness reverts what the source does not support', () => {
  it('removes an invented employer with its entry', () => {
    const result = check((improved) => {
      improved.work!.push({ name: 'Globex Corporation', position: 'Lead Data Engineer', startDate: '2015-01', endDate: '2016-08', highlights: ['Led 9 engineers'] });
    });
    expect(result.fabrications).toEqual([{ path: '/work/2', kind: 'employer', value: 'Globex Corporation', reverted_to: null }]);
    expect(result.resume.work?.map((work) => work.name)).toEqual(['Northwind Traders', 'Contoso']);
  });

  it('puts back an employer renamed within its entry', () => {
    const result = check((improved) => {
      improved.work![0]!.name = 'Northwind Global';
    });
    expect(result.fabrications).toEqual([{ path: '/work/0/name', kind: 'employer', value: 'Northwind Global', reverted_to: 'Northwind Traders Ltd' }]);
  });

  it('puts back a changed date, also one taken from another entry, matching entries by content when reordered', () => {
    const result = check((improved) => {
      improved.work!.reverse();
      improved.work![0]!.endDate = '2020-02';
      improved.work![1]!.startDate = '2019-02';
    });
    expect(result.fabrications).toEqual([
      { path: '/work/0/endDate', kind: 'date', value: '2020-02', reverted_to: '2020-01' },
      { path: '/work/1/startDate', kind: 'date', value: '2019-02', reverted_to: '2020-02' },
    ]);
    expect(result.resume.work?.map((work) => [work.name, work.startDate, work.endDate])).toEqual([
      ['Contoso', '2016-09', '2020-01'],
      ['Northwind Traders', '2020-02', undefined],
    ]);
  });

  it('replaces a highlight with an inflated number by the source highlight it rewrites', () => {
    const result = check((improved) => {
      improved.work![0]!.highlights![1] = 'Drove a 45% revenue increase by designing a Spark recommendation pipeline';
    });
    expect(result.fabrications).toEqual([
      { path: '/work/0/highlights/1', kind: 'number', value: '45%', reverted_to: 'Grew revenue 20% by building a recommendation pipeline in Spark' },
    ]);
    expect(result.resume.work?.[0]?.highlights).toEqual([
      'Migrated 1200 tables to Snowflake',
      'Grew revenue 20% by building a recommendation pipeline in Spark',
      'Owned a $2 million cloud budget spanning 3 AWS accounts',
      'Shortened the nightly batch from six hours to 45 minutes',
    ]);
  });

  it('tells a percentage, a multiplier and a count apart', () => {
    const result = check((improved) => {
      improved.work![0]!.highlights = [
        'Migrated 1200 tables to Snowflake',
        'Drove a 20 million revenue increase with a Spark recommendation pipeline',
        'Owned a $2 million cloud budget spanning 3 AWS accounts, saving 3%',
        'Shortened the nightly batch from six hours to 45 minutes',
      ];
    });
    expect(result.fabrications.map((fabrication) => [fabrication.path, fabrication.value])).toEqual([
      ['/work/0/highlights/1', '20 million'],
      ['/work/0/highlights/2', '3%'],
    ]);
  });

  it('removes an invented highlight with a figure that rewrites nothing in the source', () => {
    const result = check((improved) => {
      improved.work![1]!.highlights!.push('Saved €300k a year in licence fees');
    });
    expect(result.fabrications).toEqual([{ path: '/work/1/highlights/2', kind: 'number', value: '300k', reverted_to: null }]);
    expect(result.resume.work?.[1]?.highlights).toHaveLength(2);
  });

  it('removes an entry without counterpart whose employer the source only mentions, once its title and dates are unsupported', () => {
    const result = check((improved) => {
      improved.work!.push({ name: 'Snowflake', position: 'Solutions Architect', startDate: '2015-01', highlights: ['Advised customers on Snowflake'] });
    });
    expect(result.fabrications).toEqual([
      { path: '/work/2/position', kind: 'job_title', value: 'Solutions Architect', reverted_to: null },
      { path: '/work/2/startDate', kind: 'date', value: '2015-01', reverted_to: null },
    ]);
    expect(result.resume.work).toHaveLength(2);
  });

  it('does not look for a keyword of one or two letters in running text', () => {
    const result = check(
      (improved) => {
        improved.work![0]!.highlights![0] = 'Migrated 1200 tables to Snowflake with a go-to-market plan';
        improved.skills![0]!.keywords!.push('Go');
      },
      { questionnaireText: '', keywordsMissing: ['Go'] },
    );
    expect(result.fabrications).toEqual([{ path: '/skills/0/keywords/1', kind: 'skill', value: 'Go', reverted_to: null }]);
  });

  it('removes an invented certification', () => {
    const result = check((improved) => {
      improved.certificates!.push({ name: 'Google Professional Data Engineer', issuer: 'Google', date: '2022-01' });
    });
    expect(result.fabrications).toEqual([{ path: '/certificates/1', kind: 'certification', value: 'Google Professional Data Engineer', reverted_to: null }]);
    expect(result.resume.certificates).toHaveLength(1);
  });

  it('puts back a changed degree and an inflated title', () => {
    const result = check((improved) => {
      improved.education![0]!.studyType = 'PhD';
      improved.work![1]!.position = 'Lead Data Engineer';
      improved.basics!.label = 'Head of Data';
    });
    expect(result.fabrications).toEqual([
      { path: '/basics/label', kind: 'job_title', value: 'Head of Data', reverted_to: 'Senior Data Engineer' },
      { path: '/work/1/position', kind: 'job_title', value: 'Lead Data Engineer', reverted_to: 'Data Engineer' },
      { path: '/education/0/studyType', kind: 'degree', value: 'PhD', reverted_to: 'Master of Science' },
    ]);
    expect(result.resume.education?.[0]?.studyType).toBe('Master of Science');
  });

  it('removes an invented URL, in a URL field and in text', () => {
    const result = check((improved) => {
      improved.work![1]!.url = 'https://contoso.example.com';
      improved.work![1]!.highlights![0] = 'Engineered Python and Airflow ETL jobs used by 40 analysts (see github.com/mlopez/etl-kit)';
    });
    expect(result.fabrications).toEqual([
      { path: '/work/1/url', kind: 'url', value: 'https://contoso.example.com', reverted_to: null },
      { path: '/work/1/highlights/0', kind: 'url', value: 'github.com/mlopez/etl-kit', reverted_to: 'Built ETL jobs in Python and Airflow serving 40 analysts' },
    ]);
    expect(result.resume.work?.[1]?.url).toBeUndefined();
  });

  it('removes skills without evidence and lists every missing advert keyword as a gap', () => {
    const result = check(
      (improved) => {
        improved.skills![1]!.keywords!.push('Kafka', 'Rust');
        improved.skills!.push({ name: 'dbt', keywords: ['dbt'] });
        improved.basics!.summary += ' Experienced with Kafka streaming.';
        improved.languages!.push({ language: 'German', fluency: 'Fluent' });
      },
      { questionnaireText: '', keywordsMissing: ['Kafka', 'dbt', 'Looker', 'kafka'] },
    );
    expect(result.fabrications).toEqual([
      { path: '/basics/summary', kind: 'skill', value: 'Kafka', reverted_to: 'Data engineer with 8 years of experience building pipelines in Python and Spark.' },
      { path: '/skills/1/keywords/5', kind: 'skill', value: 'Kafka', reverted_to: null },
      { path: '/skills/1/keywords/6', kind: 'skill', value: 'Rust', reverted_to: null },
      { path: '/skills/2/keywords/0', kind: 'skill', value: 'dbt', reverted_to: null },
      { path: '/skills/2/name', kind: 'skill', value: 'dbt', reverted_to: null },
      { path: '/languages/2', kind: 'skill', value: 'German', reverted_to: null },
    ]);
    expect(result.resume.skills).toEqual(faithfulRewrite().skills);
    expect(result.resume.languages).toEqual(faithfulRewrite().languages);
    expect(result.gaps).toEqual(['Kafka', 'dbt', 'Looker']);
  });

  it('does not take Java for JavaScript, nor a keyword for part of a longer word', () => {
    const original: JsonResume = { skills: [{ name: 'Web', keywords: ['JavaScript', 'Node.js'] }] };
    const improved: JsonResume = { skills: [{ name: 'Web', keywords: ['JavaScript', 'NodeJS', 'Java'] }] };
    const result = enforceTruthfulness(original, improved, noEvidence);
    expect(result.resume.skills).toEqual([{ name: 'Web', keywords: ['JavaScript', 'NodeJS'] }]);
    expect(result.fabrications).toEqual([{ path: '/skills/0/keywords/2', kind: 'skill', value: 'Java', reverted_to: null }]);
  });

  it('takes no address for a skill, nor a letter in prose for a one-letter language', () => {
    const original: JsonResume = {
      basics: { url: 'https://jane.example.org', email: 'r@example.org' },
      work: [{ name: 'R.O.K Cyber Command', highlights: ['Wrote the style guide, see (c) below', 'Served https://api.example.org to 3 teams'] }],
      skills: [{ name: 'Languages', keywords: ['Python', 'Go'] }],
    };
    const improved: JsonResume = { ...structuredClone(original), skills: [{ name: 'Languages', keywords: ['Python', 'Go', 'HTTP', 'R', 'C'] }] };
    const result = enforceTruthfulness(original, improved, noEvidence);
    expect(result.resume.skills).toEqual([{ name: 'Languages', keywords: ['Python', 'Go'] }]);
    expect(result.fabrications.map((fabrication) => fabrication.value)).toEqual(['HTTP', 'R', 'C']);
  });

  it('reports each invented fact of one entry with the path the model wrote', () => {
    const result = check((improved) => {
      improved.projects![0] = { ...improved.projects![0], url: 'https://open-data.example.org', startDate: '2018', highlights: ['Published 75 public datasets'] };
    });
    expect(result.fabrications).toEqual([
      { path: '/projects/0/startDate', kind: 'date', value: '2018', reverted_to: null },
      { path: '/projects/0/url', kind: 'url', value: 'https://open-data.example.org', reverted_to: 'https://github.com/mlopez/open-data' },
      { path: '/projects/0/highlights/0', kind: 'number', value: '75', reverted_to: 'Published 12 public datasets' },
    ]);
    expect(result.resume.projects).toEqual([{ name: 'Open Data Portal', url: 'https://github.com/mlopez/open-data', highlights: ['Published 12 public datasets'] }]);
  });
});
