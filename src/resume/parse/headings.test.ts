import { describe, expect, it } from 'vitest';
import { runInHeading, sectionOfHeading } from './headings.js';

describe('sectionOfHeading', () => {
  it.each([
    ['EXPERIENCE', 'work'],
    ['Work Experience', 'work'],
    ['Professional Experience:', 'work'],
    ['2. Berufserfahrung', 'work'],
    ['E X P E R I E N C E', 'work'],
    ['W O R K   E X P E R I E N C E', 'work'],
    ['Expérience professionnelle', 'work'],
    ['Experiencia laboral', 'work'],
    ['Esperienza lavorativa', 'work'],
    ['Experiência Profissional', 'work'],
    ['Опыт работы', 'work'],
    ['工作经历', 'work'],
    ['سوابق کاری', 'work'],
    ['الخبرة المهنية', 'work'],
    ['Education', 'education'],
    ['AUSBILDUNG', 'education'],
    ['Formation', 'education'],
    ['Formación académica', 'education'],
    ['Istruzione', 'education'],
    ['Formação Acadêmica', 'education'],
    ['Образование', 'education'],
    ['教育背景', 'education'],
    ['تحصیلات', 'education'],
    ['Technical Skills', 'skills'],
    ['Kenntnisse', 'skills'],
    ['Compétences', 'skills'],
    ['Навыки', 'skills'],
    ['专业技能', 'skills'],
    ['مهارت‌ها', 'skills'],
    ['Languages', 'languages'],
    ['Sprachkenntnisse', 'languages'],
    ['Projects', 'projects'],
    ['Certifications', 'certificates'],
    ['Honors & Awards', 'awards'],
    ['Publications', 'publications'],
    ['Volunteering', 'volunteer'],
    ['Interests', 'interests'],
    ['References', 'references'],
    ['PROFESSIONAL SUMMARY', 'summary'],
    ['Über mich', 'summary'],
    ['Patents', 'other'],
  ])('knows "%s" as %s', (line, section) => {
    expect(sectionOfHeading(line)).toBe(section);
  });

  it('does not take names, titles or sentences for headings', () => {
    expect(sectionOfHeading('John Doe')).toBeUndefined();
    expect(sectionOfHeading('Software Engineer')).toBeUndefined();
    expect(sectionOfHeading('Programming Languages')).toBeUndefined();
    expect(sectionOfHeading('Experience with large distributed systems and data pipelines at scale')).toBeUndefined();
  });
});

describe('runInHeading', () => {
  it('finds a heading that ran into the text after it', () => {
    expect(runInHeading('Experience Senior Developer at Acme, 2019 – 2021')).toEqual({ section: 'work', rest: 'Senior Developer at Acme, 2019 – 2021' });
    expect(runInHeading('PROFESSIONAL SUMMARY Experienced software developer with 5+ years')).toEqual({
      section: 'summary',
      rest: 'Experienced software developer with 5+ years',
    });
    expect(runInHeading('SKILLS Programming Languages: Python, JavaScript')).toEqual({ section: 'skills', rest: 'Programming Languages: Python, JavaScript' });
    expect(runInHeading('CERTIFICATIONS • AWS Certified')).toEqual({ section: 'certificates', rest: '• AWS Certified' });
    expect(runInHeading('Skills: Python, Go')).toEqual({ section: 'skills', rest: 'Python, Go' });
  });

  it('leaves sentences, bullets and details alone', () => {
    expect(runInHeading('Experience with React and Node.js')).toBeUndefined();
    expect(runInHeading('Education matters to our team')).toBeUndefined();
    expect(runInHeading('• Education: Bachelor of Science')).toBeUndefined();
    expect(runInHeading('Thesis: Efficient Neural Architecture Search')).toBeUndefined();
    expect(runInHeading('Project Lead')).toBeUndefined();
    expect(runInHeading('PROJECT MANAGER')).toBeUndefined();
  });
});
