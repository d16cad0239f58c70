import { describe, expect, it } from 'vitest';
import { parseResume } from '../parse-resume.js';

// Small CVs written for these tests, one per language, each in a different common layout: the
// parser must find the same structure whatever the language of the headings, dates and titles.

interface Expected {
  name: string;
  work: { name: string; position: string; startDate?: string; endDate?: string }[];
  schools: string[];
}

function check(text: string, expected: Expected): void {
  const { resume, warnings } = parseResume(text);
  expect(resume.basics?.name).toBe(expected.name);
  expect(warnings.map((warning) => warning.code)).not.toContain('not_a_cv');
  expect(warnings.map((warning) => warning.code)).not.toContain('no_sections');
  const work = (resume.work ?? []).map(({ name, position, startDate, endDate }) => ({ name, position, startDate, endDate }));
  expect(work).toEqual(expected.work.map((entry) => ({ startDate: undefined, endDate: undefined, ...entry })));
  expect((resume.education ?? []).map((entry) => entry.institution)).toEqual(expected.schools);
}

describe('CVs in each language', () => {
  it('reads an English CV with "Title at Company" and right-aligned dates', () => {
    const text = `Jane Smith
Data Engineer
jane@example.com · +44 20 7946 0958 · London, UK
linkedin.com/in/janesmith · github.com/janesmith

SUMMARY
Data engineer with eight years of experience in streaming systems.

EXPERIENCE
Senior Data Engineer at Monzo Bank                    Jan 2020 – Present
• Built streaming pipelines in Kafka
• Cut warehouse costs by 30%
Data Engineer, Deliveroo                              2017-06 – 2019-12
- Owned the data warehouse

EDUCATION
University of Leeds
BSc Computer Science, 2014 – 2017

LANGUAGES
English (Native), French (B2)
`;
    check(text, {
      name: 'Jane Smith',
      work: [
        { name: 'Monzo Bank', position: 'Senior Data Engineer', startDate: '2020-01' },
        { name: 'Deliveroo', position: 'Data Engineer', startDate: '2017-06', endDate: '2019-12' },
      ],
      schools: ['University of Leeds'],
    });
    const { resume } = parseResume(text);
    expect(resume.basics?.email).toBe('jane@example.com');
    expect(resume.basics?.phone).toBe('+44 20 7946 0958');
    expect(resume.basics?.profiles?.map((profile) => profile.network)).toEqual(['LinkedIn', 'GitHub']);
    expect(resume.work?.[0]?.highlights).toEqual(['Built streaming pipelines in Kafka', 'Cut warehouse costs by 30%']);
    expect(resume.education?.[0]).toMatchObject({ studyType: 'BSc Computer Science', startDate: '2014', endDate: '2017' });
    expect(resume.languages).toEqual([
      { language: 'English', fluency: 'Native' },
      { language: 'French', fluency: 'B2' },
    ]);
  });

  it('reads a German CV ("seit 03/2019", "bei", Berufserfahrung/Ausbildung)', () => {
    check(
      `Max Mustermann
Softwareentwickler
max.mustermann@example.de | +49 170 1234567 | Berlin

Berufserfahrung
Senior Softwareentwickler, SAP SE        seit 03/2019
• Entwicklung von Microservices in Java
Werkstudent bei Siemens AG               10/2016 – 02/2019
• Testautomatisierung

Ausbildung
Technische Universität München           2013 – 2018
M.Sc. Informatik

Kenntnisse
Programmiersprachen: Java, Python, Go
`,
      {
        name: 'Max Mustermann',
        work: [
          { name: 'SAP SE', position: 'Senior Softwareentwickler', startDate: '2019-03' },
          { name: 'Siemens AG', position: 'Werkstudent', startDate: '2016-10', endDate: '2019-02' },
        ],
        schools: ['Technische Universität München'],
      },
    );
  });

  it('reads a French CV ("sept. 2018 – aujourd\'hui", "chez", EXPÉRIENCE/FORMATION)', () => {
    check(
      `Marie Dupont
Ingénieure logiciel
marie.dupont@example.fr — +33 6 12 34 56 78 — Lyon, France

EXPÉRIENCE PROFESSIONNELLE
Ingénieure logiciel — Capgemini
sept. 2018 – aujourd'hui
- Conception d'API REST pour les clients du secteur bancaire
Stagiaire développeuse chez Thales
janv. 2018 – juin 2018

FORMATION
Diplôme d'ingénieur, INSA Lyon
2013 – 2018

COMPÉTENCES
Python, Java, SQL
`,
      {
        name: 'Marie Dupont',
        work: [
          { name: 'Capgemini', position: 'Ingénieure logiciel', startDate: '2018-09' },
          { name: 'Thales', position: 'Stagiaire développeuse', startDate: '2018-01', endDate: '2018-06' },
        ],
        schools: ['INSA Lyon'],
      },
    );
  });

  it('reads a Spanish CV ("ene. 2019 – actualidad", "en", Experiencia laboral/Formación académica)', () => {
    check(
      `Carlos García López
Desarrollador Full Stack
carlos.garcia@example.es · +34 612 345 678 · Madrid

Experiencia laboral
Desarrollador Backend en BBVA
ene. 2019 – actualidad
• Diseño de APIs para banca móvil
Programador Junior, Indra Sistemas S.A.
06/2016 – 12/2018

Formación académica
Grado en Ingeniería Informática
Universidad Politécnica de Madrid, 2012 – 2016

Habilidades
Java, Python, Kubernetes
`,
      {
        name: 'Carlos García López',
        work: [
          { name: 'BBVA', position: 'Desarrollador Backend', startDate: '2019-01' },
          { name: 'Indra Sistemas S.A.', position: 'Programador Junior', startDate: '2016-06', endDate: '2018-12' },
        ],
        schools: ['Universidad Politécnica de Madrid'],
      },
    );
  });

  it('reads an Italian CV ("gennaio 2018 - presente", "presso", Esperienza lavorativa/Istruzione)', () => {
    check(
      `Giulia Rossi
Sviluppatrice software
giulia.rossi@example.it | +39 333 123 4567

Esperienza lavorativa
Sviluppatrice software presso Accenture
gennaio 2018 - presente
- Sviluppo di applicazioni web per la pubblica amministrazione
Stagista, Eni S.p.A.
mar 2017 - dic 2017

Istruzione
Laurea magistrale in Informatica, Politecnico di Milano
2015 - 2017

Competenze
Java, Angular
`,
      {
        name: 'Giulia Rossi',
        work: [
          { name: 'Accenture', position: 'Sviluppatrice software', startDate: '2018-01' },
          { name: 'Eni S.p.A.', position: 'Stagista', startDate: '2017-03', endDate: '2017-12' },
        ],
        schools: ['Politecnico di Milano'],
      },
    );
  });

  it('reads a Portuguese CV ("mar. 2020 – atual", "Título | Empresa", Experiência Profissional/Formação Acadêmica)', () => {
    check(
      `João Silva
Engenheiro de Software
joao.silva@example.com.br | +55 11 91234-5678

Experiência Profissional
Engenheiro de Software Sênior | Nubank
mar. 2020 – atual
• Desenvolvimento de microsserviços em Clojure
Desenvolvedor, Itaú Unibanco
01/2017 – 02/2020

Formação Acadêmica
Bacharelado em Ciência da Computação
Universidade de São Paulo, 2012 – 2016

Habilidades
Clojure, Kotlin
`,
      {
        name: 'João Silva',
        work: [
          { name: 'Nubank', position: 'Engenheiro de Software Sênior', startDate: '2020-03' },
          { name: 'Itaú Unibanco', position: 'Desenvolvedor', startDate: '2017-01', endDate: '2020-02' },
        ],
        schools: ['Universidade de São Paulo'],
      },
    );
  });

  it('reads a Russian CV ("янв. 2019 — наст. время", Опыт работы/Образование)', () => {
    check(
      `Иван Петров
Ведущий разработчик
ivan.petrov@example.ru, +7 (916) 123-45-67

Опыт работы
Ведущий разработчик, ООО «Яндекс»
янв. 2019 — наст. время
• Разработка backend-сервисов на Go
Программист, АО «Лаборатория Касперского»
сент. 2015 — дек. 2018

Образование
Московский государственный университет
2010 — 2015
Специалист, прикладная математика

Навыки
Python, C++
`,
      {
        name: 'Иван Петров',
        work: [
          { name: 'ООО «Яндекс»', position: 'Ведущий разработчик', startDate: '2019-01' },
          { name: 'АО «Лаборатория Касперского»', position: 'Программист', startDate: '2015-09', endDate: '2018-12' },
        ],
        schools: ['Московский государственный университет'],
      },
    );
  });

  it('reads a Chinese CV ("2019年3月 - 至今", fields separated by spaces, 工作经历/教育背景)', () => {
    check(
      `张伟
高级软件工程师
邮箱：zhang.wei@example.cn  电话：+86 138 0013 8000

工作经历
2019年3月 - 至今  阿里巴巴集团  高级软件工程师
• 负责电商平台后端开发
2016年7月 - 2019年2月  腾讯科技有限公司  软件工程师

教育背景
2012年9月 - 2016年6月  清华大学  计算机科学与技术  本科

专业技能
Java, Go, MySQL
`,
      {
        name: '张伟',
        work: [
          { name: '阿里巴巴集团', position: '高级软件工程师', startDate: '2019-03' },
          { name: '腾讯科技有限公司', position: '软件工程师', startDate: '2016-07', endDate: '2019-02' },
        ],
        schools: ['清华大学'],
      },
    );
  });

  it('reads a Persian CV (Solar Hijri dates in Persian digits, سوابق کاری/تحصیلات)', () => {
    const text = `علی رضایی
مهندس نرم‌افزار
ali.rezaei@example.ir | ۰۹۱۲ ۱۲۳ ۴۵۶۷

سوابق کاری
مهندس نرم‌افزار ارشد، دیجی‌کالا
مهر ۱۳۹۸ - تاکنون
• توسعه سرویس‌های بک‌اند
برنامه‌نویس، کافه بازار
۱۳۹۵ - ۱۳۹۸

تحصیلات
کارشناسی مهندسی کامپیوتر، دانشگاه صنعتی شریف
۱۳۹۱ - ۱۳۹۵

مهارت‌ها
Python، Go
`;
    check(text, {
      name: 'علی رضایی',
      // Mehr 1398 began on 23 September 2019; years alone shift by 621.
      work: [
        { name: 'دیجی‌کالا', position: 'مهندس نرم‌افزار ارشد', startDate: '2019-10' },
        { name: 'کافه بازار', position: 'برنامه‌نویس', startDate: '2016', endDate: '2019' },
      ],
      schools: ['دانشگاه صنعتی شریف'],
    });
    expect(parseResume(text).resume.basics?.phone).toBe('۰۹۱۲ ۱۲۳ ۴۵۶۷');
  });

  it('reads a German CV with a personal-data block and dates in a left column', () => {
    const text = `LEBENSLAUF

Persönliche Daten
Name: Anna Schmidt
Telefon: 030 1234567
E-Mail: anna.schmidt@example.de

Beruflicher Werdegang
03/2019 – heute      Projektleiterin, Deutsche Bahn AG, Berlin
                     Leitung von IT-Projekten
09/2015 – 02/2019    Beraterin, Accenture GmbH, München

Ausbildung
10/2010 – 07/2015    Studium der Informatik, Humboldt-Universität zu Berlin
`;
    check(text, {
      name: 'Anna Schmidt',
      work: [
        { name: 'Deutsche Bahn AG', position: 'Projektleiterin', startDate: '2019-03' },
        { name: 'Accenture GmbH', position: 'Beraterin', startDate: '2015-09', endDate: '2019-02' },
      ],
      schools: ['Humboldt-Universität zu Berlin'],
    });
    expect(parseResume(text).resume.basics?.phone).toBe('030 1234567');
  });

  it('reads a Russian CV in the hh.ru export layout (dates first, durations, employer then title)', () => {
    check(
      `Петров Иван Сергеевич
+7 (999) 123-45-67
ivan@mail.ru

Опыт работы — 9 лет 2 месяца
Январь 2019 — настоящее время
6 лет 2 месяца
Яндекс
Ведущий разработчик
Разработка сервисов поиска на C++ и Python.
Сентябрь 2015 — Декабрь 2018
3 года 4 месяца
Лаборатория Касперского
Программист
Разработка антивирусного ядра.

Образование
2015 Московский государственный университет им. М.В. Ломоносова
`,
      {
        name: 'Петров Иван Сергеевич',
        work: [
          { name: 'Яндекс', position: 'Ведущий разработчик', startDate: '2019-01' },
          { name: 'Лаборатория Касперского', position: 'Программист', startDate: '2015-09', endDate: '2018-12' },
        ],
        schools: ['Московский государственный университет им. М.В. Ломоносова'],
      },
    );
  });
});
