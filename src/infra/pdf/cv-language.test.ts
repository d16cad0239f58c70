import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../paths.js';
import { guessCvLanguage } from './cv-language.js';

const sample: unknown = JSON.parse(await readFile(join(packageRoot, 'test/fixtures/cvs/jsonresume_sample.resume.json'), 'utf8'));

// A CV as the improver writes it: a name, a headline, a summary and one job with highlights.
function cv(name: string, label: string, summary: string, highlights: string[]): unknown {
  return {
    basics: { name, label, summary, email: 'someone@example.com', url: 'https://example.com/profile', location: { city: 'Zürich', countryCode: 'CH' } },
    work: [{ name: 'Acme GmbH', position: label, startDate: '2020-01', highlights }],
    skills: [{ name: 'Backend', keywords: ['Java', 'Kotlin', 'PostgreSQL', 'Kubernetes', 'AWS'] }],
  };
}

const samples: Record<string, unknown[]> = {
  en: [
    sample,
    cv('Jane Doe', 'Software Engineer', 'Engineer with ten years of experience in the design of distributed systems.', ['Led the migration of the billing platform to the cloud', 'Reduced the cost of hosting by a third']),
    cv('Ann Lee', 'Nurse', 'Caring for patients on a busy ward for six years.', ['Trained new staff on the use of the new records system']),
  ],
  de: [
    cv('Jana Müller', 'Softwareentwicklerin', 'Entwicklerin mit zehn Jahren Erfahrung in der Entwicklung von verteilten Systemen und der Führung eines Teams.', ['Migration der Abrechnung auf die Cloud geleitet', 'Kosten für den Betrieb um ein Drittel gesenkt']),
    cv('Peter Schmidt', 'Buchhalter', 'Erfahrung im Rechnungswesen und bei der Erstellung von Abschlüssen.', ['Einführung eines neuen Systems für die Buchhaltung']),
  ],
  fr: [
    cv('Marie Dubois', 'Développeuse', 'Développeuse avec dix ans d’expérience dans la conception de systèmes distribués et la gestion des équipes.', ['Migration de la plateforme de facturation vers le cloud', 'Réduction des coûts pour les clients']),
    cv('Luc Martin', 'Comptable', 'Expérience en comptabilité et en gestion des paies chez un grand groupe.', ['Mise en place du nouveau logiciel de comptabilité']),
  ],
  es: [
    cv('Lucía García', 'Ingeniera de software', 'Ingeniera con diez años de experiencia en el diseño de sistemas distribuidos y la dirección de equipos.', ['Dirigí la migración de los sistemas de facturación a la nube', 'Reduje los costes para los clientes']),
    cv('Pablo Ruiz', 'Contable', 'Experiencia en contabilidad y en la gestión de las nóminas de una empresa española.', ['Implantación del nuevo sistema de contabilidad']),
  ],
  it: [
    cv('Giulia Rossi', 'Ingegnere del software', 'Ingegnere con dieci anni di esperienza nella progettazione di sistemi distribuiti e nella gestione di gruppi.', ['Guidato la migrazione della piattaforma di fatturazione nel cloud', 'Ridotto i costi delle infrastrutture']),
    cv('Marco Bianchi', 'Contabile', 'Esperienza nella contabilità e nella gestione delle buste paga per una azienda.', ['Introduzione del nuovo sistema per la contabilità']),
  ],
  pt: [
    cv('Ana Souza', 'Engenheira de software', 'Engenheira com dez anos de experiência no desenvolvimento de sistemas distribuídos e na gestão das equipes.', ['Liderei a migração da plataforma de faturamento para a nuvem', 'Reduzi os custos com a infraestrutura']),
    cv('João Silva', 'Contador', 'Experiência em contabilidade e na gestão da folha de pagamento dos funcionários.', ['Implantação do novo sistema de contabilidade']),
  ],
  ru: [
    cv('Иван Петров', 'Разработчик', 'Разработчик с десятилетним опытом проектирования распределённых систем на Java и Kotlin.', ['Руководил переносом биллинга в облако AWS']),
    cv('Ольга Смирнова', 'Бухгалтер', 'Опыт ведения учёта и подготовки отчётности.', ['Внедрила новую систему учёта']),
  ],
  zh: [
    cv('王小明', '软件工程师', '十年分布式系统设计经验，熟悉 Java、Kotlin 和 PostgreSQL。', ['负责后端服务开发', '将计费平台迁移到云端']),
    cv('李娜', '会计', '五年财务会计经验。', ['引入新的会计系统']),
  ],
  ja: [
    cv('山田 太郎', 'ソフトウェアエンジニア', '分散システムの設計に十年の経験があります。', ['データベースを設計しました', '請求システムをクラウドに移行しました']),
    cv('佐藤 花子', '会計士', '経理の経験が五年あります。', ['新しい会計システムを導入しました']),
  ],
  ko: [
    cv('김민준', '소프트웨어 엔지니어', '분산 시스템 설계 경력 10년.', ['서버 개발 담당', '결제 플랫폼을 클라우드로 이전']),
    cv('이서연', '회계사', '재무 회계 경력 5년.', ['새 회계 시스템 도입']),
  ],
  ar: [
    cv('محمد العلي', 'مهندس برمجيات', 'مهندس برمجيات ذو خبرة عشر سنوات في تصميم الأنظمة الموزعة.', ['تطوير خدمات الويب', 'نقل منصة الفوترة إلى السحابة']),
    cv('سارة حسن', 'محاسبة', 'خبرة في المحاسبة المالية لمدة خمس سنوات في شركة كبيرة.', ['إدخال نظام محاسبة جديد']),
  ],
  fa: [
    cv('پژوهشگر گودرزی', 'مهندس نرم‌افزار', 'مهندس نرم‌افزار با ده سال تجربه در طراحی سیستم‌های توزیع‌شده.', ['طراحی پایگاه داده', 'انتقال سامانه پرداخت به ابر']),
    cv('مریم کریمی', 'حسابدار', 'پنج سال تجربه در حسابداری مالی.', ['پیاده‌سازی سیستم جدید حسابداری']),
  ],
  he: [cv('דוד כהן', 'מהנדס תוכנה', 'מהנדס תוכנה עם עשר שנות ניסיון בתכנון מערכות מבוזרות.', ['פיתוח שירותי רשת'])],
  el: [cv('Γιώργος Παπαδόπουλος', 'Μηχανικός λογισμικού', 'Μηχανικός με δέκα χρόνια εμπειρία σε κατανεμημένα συστήματα.', ['Ανάπτυξη υπηρεσιών'])],
};

describe('guessCvLanguage', () => {
  it.each(Object.entries(samples))('recognises CVs written in %s', (language, cvs) => {
    expect(cvs.map((one) => guessCvLanguage(one))).toEqual(cvs.map(() => language));
  });

  it('says English for a CV with no letters, nothing, or only names and tools', () => {
    expect(guessCvLanguage(undefined)).toBe('en');
    expect(guessCvLanguage({ basics: { phone: '+1 555 0100' }, work: [{ startDate: '2020-01' }] })).toBe('en');
    expect(guessCvLanguage({ basics: { name: 'Kim Park' }, skills: [{ keywords: ['Java', 'Go'] }] })).toBe('en');
  });

  it('keeps a CJK CV Chinese or Japanese when English tool names outnumber its characters', () => {
    const tools = ['JavaScript', 'TypeScript', 'PostgreSQL', 'Kubernetes', 'Terraform'];
    expect(guessCvLanguage({ basics: { summary: '后端开发工程师' }, skills: [{ keywords: tools }] })).toBe('zh');
    expect(guessCvLanguage({ basics: { summary: 'バックエンド開発者です' }, skills: [{ keywords: tools }] })).toBe('ja');
  });
});
