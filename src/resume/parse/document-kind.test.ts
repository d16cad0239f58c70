import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseResume } from '../parse-resume.js';

const jobs = fileURLToPath(new URL('../../../test/fixtures/jobs/', import.meta.url));
const cvs = fileURLToPath(new URL('../../../test/fixtures/cvs/', import.meta.url));

const notACv = (text: string) => parseResume(text).warnings.find((warning) => warning.code === 'not_a_cv');

// Two cover letters written for these tests: the kind of file people upload by mistake.
const ENGLISH_LETTER = `Jane Smith
12 Rose Street, Leeds
jane.smith@example.com

14 March 2024

Dear Hiring Manager,

I am writing to apply for the position of Data Engineer at Monzo, which I saw advertised on your careers page. With eight years of experience building streaming pipelines, I believe I would be a strong addition to your team.

In my current role at Deliveroo I lead a group of four engineers and own the company's data warehouse. I have cut our storage costs by a third and moved our batch jobs to a streaming design that the analysts now rely on every day.

I would welcome the opportunity to discuss how my experience could help your data platform grow. Thank you for your consideration; I look forward to hearing from you.

Yours sincerely,
Jane Smith
`;

const FRENCH_LETTER = `Marie Dupont
marie.dupont@example.fr

Lyon, le 3 avril 2024

Madame, Monsieur,

Je me permets de vous adresser ma candidature au poste d'ingénieure logiciel au sein de votre entreprise. Diplômée de l'INSA Lyon, je travaille depuis cinq ans chez Capgemini où je conçois des API pour des clients du secteur bancaire.

Votre entreprise m'attire par la qualité de ses produits et par la place qu'elle donne aux équipes techniques. Je serais heureuse de mettre mon expérience au service de vos projets.

Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.

Marie Dupont
`;

describe('the not_a_cv warning', () => {
  it.each(readdirSync(jobs).filter((file) => file.endsWith('.txt')))('flags the job advert %s', (file) => {
    const warning = notACv(readFileSync(`${jobs}${file}`, 'utf8'));
    expect(warning?.message).toMatch(/job advert/);
    expect(warning?.confidence).toBeGreaterThanOrEqual(0.5);
    expect(warning?.confidence).toBeLessThanOrEqual(1);
  });

  it('flags short job adverts in German, Chinese and Russian (written for this test)', () => {
    const adverts = [
      `Softwareentwickler (m/w/d) Java
Wir suchen ab sofort eine engagierte Verstärkung für unser Team in Berlin.
Ihre Aufgaben
- Entwicklung und Wartung unserer Plattform
Ihr Profil
- Mindestens 3 Jahre Erfahrung mit Java
Wir bieten
- Flexible Arbeitszeiten und 30 Tage Urlaub
Bewerben Sie sich jetzt mit Ihrem Lebenslauf!`,
      `高级Java开发工程师
岗位职责：
1. 负责公司核心系统的设计与开发；
任职要求：
1. 本科及以上学历，3年以上Java开发经验。
我们提供：五险一金，弹性工作。`,
      `Ведущий разработчик Python
Мы ищем опытного разработчика в нашу команду.
Обязанности:
- разработка backend-сервисов;
Требования:
- опыт работы с Python от 3 лет;
Мы предлагаем:
- удалённую работу.`,
    ];
    for (const advert of adverts) expect(notACv(advert)?.confidence, advert.split('\n')[0]).toBeGreaterThanOrEqual(0.5);
  });

  it('flags cover letters in English and French', () => {
    for (const letter of [ENGLISH_LETTER, FRENCH_LETTER]) {
      const warning = notACv(letter);
      expect(warning?.message).toMatch(/cover letter/);
      expect(warning?.confidence).toBeGreaterThanOrEqual(0.5);
    }
  });

  it.each(readdirSync(cvs).filter((file) => file.endsWith('.reference.txt')))('does not flag the CV %s', (file) => {
    expect(notACv(readFileSync(`${cvs}${file}`, 'utf8'))).toBeUndefined();
  });

  it('does not flag a CV whose bullets speak of responsibilities and requirements', () => {
    const cv = `Jane Smith
jane@example.com

Experience
Project Manager, Acme Ltd                 2019 – Present
• Responsibilities: gathered requirements from clients and wrote job descriptions for new hires
• Benefits programme owner; we offer training to every apprentice
Coordinator, Beta GmbH                    2016 – 2019
• Apply agile methods to the delivery of the team's projects

Education
University of Leeds, BSc Management       2013 – 2016
`;
    expect(notACv(cv)).toBeUndefined();
  });
});
