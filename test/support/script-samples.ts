/**
 * One person, one employer and one line of work in each script the renderer promises: Chinese, Japanese,
 * Korean, Arabic (with lam-alef), Persian (with a zero-width non-joiner), Hebrew, Russian, Greek and
 * Vietnamese (with dot-below vowels). Every word must come back from a rendered PDF.
 */
export const scriptSamples = {
  chinese: { name: '王小明', employer: '北京软件有限公司', line: '负责后端服务开发' },
  japanese: { name: '山田太郎', employer: '株式会社ソフトウェア', line: 'データベースを設計しました' },
  korean: { name: '김민준', employer: '서울 소프트웨어', line: '서버 개발 담당' },
  arabic: { name: 'محمد الأحمد', employer: 'شركة البرمجيات', line: 'تطوير خدمات الويب للأعمال والإدارة' },
  persian: { name: 'پژوهشگر گودرزی', employer: 'شرکت نرم‌افزار', line: 'طراحی پایگاه داده برای سلامت' },
  hebrew: { name: 'דוד כהן', employer: 'חברת תוכנה', line: 'פיתוח שירותי רשת' },
  russian: { name: 'Иван Петров', employer: 'Яндекс', line: 'Разработка серверной части' },
  greek: { name: 'Γιώργος Παπαδόπουλος', employer: 'Εταιρεία Λογισμικού', line: 'Ανάπτυξη υπηρεσιών' },
  vietnamese: { name: 'Nguyễn Hữu Đức', employer: 'Công ty Phần mềm', line: 'Phát triển dịch vụ kỹ thuật cho khách hàng' },
};
