import { describe, expect, it } from 'vitest';
import type { JsonResume } from '../../resume/json-resume.js';
import type { AnalysisTarget } from './analysis-input.js';
import { extractJobKeywords, keywordSections, matchKeywords, MAX_KEYWORDS } from './keywords.js';
import { skillVocabulary } from './vocabulary.js';
import { skillKey } from './skill-matcher.js';

const advert = (jobDescription: string): AnalysisTarget => ({ position: 'Developer', industry: 'Software', experienceLevel: '3-5', jobDescription });
const keywordsOf = (text: string) => extractJobKeywords(advert(text));
const lower = (words: string[]) => words.map((word) => word.toLowerCase());

describe('extractJobKeywords', () => {
  it('lists the skills in the order they first appear, each once', () => {
    const keywords = keywordsOf('We use Kubernetes and Python. Python and Docker run on Kubernetes; kubernetes is key.');
    expect(keywords).toEqual(['Kubernetes', 'Python', 'Docker']);
  });

  it('has nothing to read in an empty advert', () => {
    expect(keywordsOf('')).toEqual([]);
    expect(keywordsOf('   \n ')).toEqual([]);
  });

  it('reads one skill whatever its spelling: case, dots, spaces, hyphens, plurals', () => {
    expect(keywordsOf('NodeJS, node js and Node.js')).toEqual(['Node.js']);
    expect(keywordsOf('Machine-learning, MACHINE LEARNING and machine learning')).toEqual(['machine learning']);
    expect(keywordsOf('Build REST APIs; an API gateway')).toEqual(['REST API', 'API']);
    expect(keywordsOf('Knowledge of PostGRESQL and postgres')).toEqual(['PostgreSQL']);
  });

  it('reads names with symbols: C++, C#, .NET, CI/CD, A/B testing', () => {
    const keywords = keywordsOf('Strong C++ or C# on .NET, with CI/CD pipelines and A/B testing of features.');
    expect(keywords).toEqual(['C++', 'C#', '.NET', 'CI/CD', 'A/B testing']);
    expect(keywordsOf('ASP.NET MVC experience')).toEqual(['ASP.NET']);
    expect(keywordsOf('CI-CD and cicd')).toEqual(['CI/CD']);
  });

  it('does not take a word inside a longer one: Java in JavaScript, SQL in NoSQL, JS in Node.js', () => {
    expect(keywordsOf('JavaScript, NoSQL and Node.js')).toEqual(['JavaScript', 'NoSQL', 'Node.js']);
  });

  it('takes single letters and common words only where they name the skill', () => {
    const prose = 'Go beyond what is asked. You will go far. R&D budget for C-level reports, grade C; Go, team!';
    expect(lower(keywordsOf(prose))).not.toEqual(expect.arrayContaining(['go']));
    expect(keywordsOf(prose)).not.toContain('R');
    expect(keywordsOf(prose)).not.toContain('C');
    expect(keywordsOf('Languages: Go, Rust, C and R')).toEqual(['Go', 'Rust', 'C', 'R']);
    expect(keywordsOf('Experience in one or more of the following: C, C++, Java.')).toEqual(['C', 'C++', 'Java']);
  });

  it('takes a common word only with its capitals', () => {
    expect(keywordsOf('You excel at communication and react quickly to a spark of rust.')).toEqual([]);
    expect(keywordsOf('Advanced Excel; React and Rust; EXCEL')).toEqual(['Excel', 'React', 'Rust']);
  });

  it('reads a Spanish advert', () => {
    const keywords = keywordsOf('Practicante de Finanzas. Dominas: SQL, Power BI, Excel Avanzado VBA, Inglés - básico. Herramientas de automatización.');
    expect(keywords).toEqual(expect.arrayContaining(['finanzas', 'SQL', 'Power BI', 'Excel', 'VBA', 'Inglés', 'automatización']));
  });

  it('takes acronyms and products the vocabulary lacks where they stand in a list beside skills', () => {
    expect(keywordsOf('Work with key partners: SoC manufacturers, ODMs, and OEMs.')).toEqual(['SoC', 'ODM', 'OEM']);
    expect(keywordsOf('Toolkits such as Python, Zorblax, NumPy.')).toEqual(['Python', 'Zorblax', 'NumPy']);
    expect(keywordsOf('Manage a team of Technical Leads (TLXs) across sites')).toEqual(['TLX']);
    // Listed late, named early: ordered by where it is first named.
    expect(keywordsOf('Work with SoC vendors. Stack: Python, Zorblax. Partners: SoC makers, ODMs and OEMs.')).toEqual(['SoC', 'Python', 'Zorblax', 'ODM', 'OEM']);
  });

  it('leaves out capitalised words, references, places and links that are no skills', () => {
    expect(keywordsOf('Teams such as Search, Ads and Youtube. Temporarily due to COVID-19.')).toEqual([]);
    expect(keywordsOf('RQ-0950-2023 Practicante. Lima, Lima, Peru. See https://www.example.pe/job/BCP-1 or hr@bcp.com.pe')).toEqual([]);
    expect(keywordsOf('REQUIRED SKILLS AND ABILITIES\nMONDAY TO FRIDAY')).toEqual([]);
    expect(keywordsOf('Billing Monitor & Controlling; Damages (Shortages/Other Remarks)')).toEqual(['billing']);
  });

  it(`keeps at most ${MAX_KEYWORDS}, the vocabulary's before the others`, () => {
    const skills = ['Python', 'Java', 'Kotlin', 'Scala', 'Perl', 'PHP', 'Haskell', 'Elixir', 'Erlang', 'Clojure', 'Django', 'Flask', 'FastAPI', 'Laravel', 'Symfony', 'Redux', 'Svelte', 'jQuery', 'Docker', 'Kubernetes', 'Terraform', 'Ansible', 'Jenkins', 'Linux', 'Unix', 'Git', 'Nginx', 'Kafka', 'Redis', 'MySQL', 'MongoDB', 'Neo4j', 'BigQuery', 'Redshift', 'Tableau', 'Pandas', 'NumPy', 'Keras', 'PyTorch', 'TensorFlow', 'SciPy', 'Jupyter'];
    const unknown = 'Zorblax, Quuxio';
    const keywords = keywordsOf(`Stack: ${unknown}, ${skills.join(', ')}.`);
    expect(keywords).toHaveLength(MAX_KEYWORDS);
    expect(keywords).not.toContain('Zorblax');
    expect(keywords).toEqual(skills.slice(0, MAX_KEYWORDS));
  });

  it('reads long runs without spaces in linear time', () => {
    for (const run of ['•'.repeat(20_000), 'node.'.repeat(4000), 'a@'.repeat(10_000), 'C, '.repeat(6000)]) {
      const start = performance.now();
      keywordsOf(run);
      // Quadratic work on 20,000 characters takes many seconds; linear work milliseconds, even on a loaded machine.
      expect(performance.now() - start, run.slice(0, 10)).toBeLessThan(3000);
    }
  });

  it('gives each vocabulary name one skill: no two skills share a written form', () => {
    const owners = new Map<string, string>();
    for (const line of skillVocabulary) {
      for (const name of line.split('|')) {
        const key = skillKey(name.replace(/^[!=]/, ''));
        expect(owners.get(key) ?? line, `${name} is in "${owners.get(key)}" and "${line}"`).toBe(line);
        owners.set(key, line);
      }
    }
  });
});

const resume: JsonResume = {
  basics: { name: 'Ada Example', label: 'Backend developer', email: 'python.fan@example.com', url: 'https://kubernetes.example.com', summary: 'Engineer who ships Node.js services.' },
  work: [{ name: 'Acme', position: 'Developer', highlights: ['Built REST APIs in Django for 3 teams', 'Let us go for it'] }],
  education: [{ institution: 'Uni', area: 'Computer Science' }],
  skills: [{ name: 'Languages', keywords: ['Python', 'go', 'Go', 'excel'] }],
  projects: [{ name: 'Tool', description: 'A CLI in Rust', keywords: ['docker'] }],
  references: [{ name: 'Bob', reference: 'Ada knows Terraform well.' }],
};

describe('keywordSections', () => {
  it('names the sections that show a keyword, in the CV order, whatever its spelling', () => {
    expect(keywordSections('Python', resume)).toEqual(['skills']);
    expect(keywordSections('NodeJS', resume)).toEqual(['basics']);
    expect(keywordSections('API', resume)).toEqual(['work']);
    expect(keywordSections('Django REST Framework', resume)).toEqual([]);
    expect(keywordSections('Django', resume)).toEqual(['work']);
    expect(keywordSections('computer science', resume)).toEqual(['education']);
    expect(keywordSections('Docker', resume)).toEqual(['projects']);
  });

  it('counts a common word in a list of skills in any case, but a single letter only with its capital', () => {
    expect(keywordSections('Excel', resume)).toEqual(['skills']);
    expect(keywordSections('Go', resume)).toEqual(['skills']);
    expect(keywordSections('Go', { work: [{ highlights: ['Let us go for it'] }], skills: [{ name: 'go' }] })).toEqual([]);
  });

  it('finds no evidence in addresses, links or references', () => {
    expect(keywordSections('Kubernetes', resume)).toEqual([]);
    expect(keywordSections('Terraform', resume)).toEqual([]);
    expect(keywordSections('Rust', resume)).toEqual(['projects']);
  });

  it('reads a keyword the vocabulary lacks as written, in any case', () => {
    expect(keywordSections('Zorblax', { skills: [{ name: 'zorblax scripting' }] })).toEqual(['skills']);
    expect(keywordSections('SoC', { work: [{ highlights: ['Brought up a new SoC board'] }] })).toEqual(['work']);
    expect(keywordSections('SoC', { work: [{ highlights: ['Social media'] }] })).toEqual([]);
  });

  it('matches accents either way: Inglés and Ingles', () => {
    expect(keywordSections('Inglés', { languages: [{ language: 'English' }] })).toEqual(['languages']);
    expect(keywordSections('Inglés', { languages: [{ language: 'Ingles' }] })).toEqual(['languages']);
    expect(keywordSections('English', { languages: [{ language: 'Inglés' }] })).toEqual(['languages']);
  });
});

describe('matchKeywords', () => {
  it('splits the keywords into found and missing, keeping their order', () => {
    const { found, missing } = matchKeywords(['Kubernetes', 'Python', 'Django', 'Terraform', 'NodeJS'], resume);
    expect(found).toEqual([
      { keyword: 'Python', found_in: ['skills'] },
      { keyword: 'Django', found_in: ['work'] },
      { keyword: 'NodeJS', found_in: ['basics'] },
    ]);
    expect(missing).toEqual([
      { keyword: 'Kubernetes', found_in: [] },
      { keyword: 'Terraform', found_in: [] },
    ]);
  });
});
