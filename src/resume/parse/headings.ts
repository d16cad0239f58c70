/** The CV sections the parser knows; `other` is a known heading whose content is not mapped. */
export type SectionKey =
  | 'summary'
  | 'work'
  | 'education'
  | 'skills'
  | 'projects'
  | 'languages'
  | 'certificates'
  | 'awards'
  | 'publications'
  | 'volunteer'
  | 'interests'
  | 'references'
  | 'other';

// Heading phrases, one list per section, in English, German, French, Spanish, Italian, Portuguese,
// Russian, Chinese, Persian and Arabic; compared without case, accents or punctuation.
const PHRASES: Record<SectionKey, string> = {
  work: `experience|experiences|work experience|professional experience|employment|employment history|work history|career|career history|professional background|relevant experience|internships|internship|work|
    berufserfahrung|berufliche erfahrung|berufliche erfahrungen|berufspraxis|beruflicher werdegang|werdegang|praxiserfahrung|praktika|
    experience professionnelle|experiences professionnelles|parcours professionnel|stages|
    experiencia|experiencia laboral|experiencia profesional|trayectoria profesional|
    esperienza|esperienze|esperienza lavorativa|esperienze lavorative|esperienza professionale|esperienze professionali|
    experiencia profissional|experiencias profissionais|historico profissional|
    опыт работы|опыт|трудовая деятельность|профессиональныи опыт|места работы|
    工作经历|工作经验|工作背景|实习经历|职业经历|
    سوابق کاری|تجربه کاری|تجربیات کاری|سابقه کار|سوابق شغلی|الخبرة|الخبرات|الخبرة المهنية|الخبرة العملية`,
  education: `education|academic background|academic history|qualifications|education and training|
    ausbildung|bildung|bildungsweg|studium|schulbildung|akademischer werdegang|
    formation|formations|education|etudes|parcours academique|
    formacion|formacion academica|educacion|estudios|
    istruzione|formazione|percorso di studi|
    educacao|formacao|formacao academica|escolaridade|
    образование|
    教育背景|教育经历|学历|教育|
    تحصیلات|سوابق تحصیلی|التعليم|المؤهلات العلمية`,
  skills: `skills|skill|technical skills|core competencies|competencies|expertise|technologies|tech stack|key skills|strengths|
    kenntnisse|fahigkeiten|fachkenntnisse|it kenntnisse|edv kenntnisse|kompetenzen|
    competences|competences techniques|savoir faire|
    habilidades|competencias|conocimientos|aptitudes|
    competenze|competenze tecniche|capacita|
    competencias|habilidades tecnicas|conhecimentos|
    навыки|ключевые навыки|профессиональные навыки|технические навыки|умения|
    技能|专业技能|计算机技能|技术技能|个人技能|
    مهارت‌ها|مهارتها|مهارت ها|مهارت|المهارات`,
  languages: `languages|language skills|
    sprachen|sprachkenntnisse|langues|competences linguistiques|idiomas|lenguas|lingue|conoscenze linguistiche|linguas|
    языки|знание языков|владение языками|иностранные языки|
    语言|语言技能|语言能力|外语能力|
    زبان‌ها|زبانها|زبان ها|زبان|اللغات`,
  projects: `projects|project|personal projects|selected projects|side projects|key projects|academic projects|
    projekte|projets|proyectos|progetti|projetos|проекты|项目经验|项目经历|项目|پروژه‌ها|پروژه ها|پروژه|المشاريع`,
  certificates: `certifications|certificates|certification|licenses|licences|courses and certifications|
    zertifikate|zertifizierungen|certificats|certificaciones|certificados|certificazioni|certificati|certificacoes|
    сертификаты|сертификация|证书|资格证书|گواهینامه‌ها|گواهی‌نامه‌ها|مدارک|الشهادات`,
  awards: `awards|award|honors|honours|achievements|honors and awards|awards and honors|selected honors|
    auszeichnungen|preise|distinctions|prix|recompenses|premios|reconocimientos|premi|riconoscimenti|premios|
    награды|достижения|获奖情况|获奖经历|荣誉|奖项|荣誉奖项|جوایز|افتخارات|الجوائز`,
  publications: `publications|publication|papers|research papers|selected publications|
    veroffentlichungen|publikationen|publicaciones|pubblicazioni|publicacoes|публикации|论文|发表论文|出版物|学术成果|مقالات|انتشارات|المنشورات`,
  volunteer: `volunteering|volunteer experience|volunteer work|volunteer|
    ehrenamt|ehrenamtliches engagement|benevolat|engagement associatif|voluntariado|volontariato|волонтерство|志愿者经历|志愿服务|فعالیت‌های داوطلبانه|التطوع`,
  interests: `interests|hobbies|hobbies and interests|
    interessen|hobbys|centres d'interet|centres d interet|loisirs|intereses|aficiones|interessi|hobby|interesses|
    интересы|хобби|увлечения|兴趣爱好|个人兴趣|爱好|علایق|سرگرمی‌ها|الاهتمامات|الهوايات`,
  references: `references|referees|referenzen|referencias|referenze|рекомендации|推荐人|معرف‌ها|معرفین|المراجع`,
  summary: `summary|professional summary|profile|professional profile|about|about me|objective|career objective|personal statement|overview|
    profil|kurzprofil|uber mich|zusammenfassung|profil professionnel|a propos|objectif|
    perfil|perfil profesional|resumen|sobre mi|objetivo|profilo|sommario|chi sono|obiettivo|resumo|sobre mim|perfil profissional|
    о себе|профиль|цель|обо мне|个人简介|自我评价|个人总结|简介|个人评价|职业目标|درباره من|خلاصه|معرفی|هدف شغلی|نبذة|الملف الشخصي|الهدف`,
  other: `patents|talks|invited talks|presentations|conferences|activities|extracurricular activities|leadership|memberships|affiliations|
    courses|coursework|training|additional information|personal information|personal details|personal data|contact|contact information|community|thesis|dissertation|
    personliche daten|sonstiges|informations personnelles|divers|datos personales|otros|dati personali|altro|dados pessoais|
    личная информация|контакты|дополнительная информация|个人信息|基本信息|其他|毕业论文|اطلاعات شخصی|المعلومات الشخصية`,
};

const ENGLISH_MODIFIERS = new Set(['professional', 'relevant', 'selected', 'technical', 'key', 'core', 'academic', 'other', 'additional', 'personal', 'recent', 'work', 'industry', 'research']);

/** Lower case, no accents, punctuation as spaces: how headings are compared. */
function headingKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\u200c]+/gu, ' ')
    .trim();
}

const LOOKUP = new Map<string, SectionKey>();
for (const [section, phrases] of Object.entries(PHRASES) as [SectionKey, string][]) {
  for (const phrase of phrases.split('|')) {
    const key = headingKey(phrase);
    if (key !== '' && !LOOKUP.has(key)) LOOKUP.set(key, section);
  }
}

// First words of every phrase (and of phrases after an English modifier): a line starting with any
// other word cannot begin with a heading, which spares most lines the prefix look-ups.
const FIRST_WORDS = new Set([...LOOKUP.keys()].map((key) => key.split(' ')[0] ?? '').concat([...ENGLISH_MODIFIERS]));

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

function lookupPhrase(phrase: string): SectionKey | undefined {
  const key = headingKey(phrase);
  const direct = LOOKUP.get(key) ?? (CJK.test(key) ? LOOKUP.get(key.replace(/ /g, '')) : undefined);
  if (direct !== undefined) return direct;
  const words = key.split(' ');
  if (words.length >= 2 && words.length <= 3 && ENGLISH_MODIFIERS.has(words[0] ?? '')) return LOOKUP.get(words.slice(1).join(' '));
  return undefined;
}

const JOINERS = /\s+(?:&|and|und|et|y|e|i|и|و)\s+|\s*[&/,、及与和]\s*/u;

// Each line is asked about several times (whole, then its first words); a bounded memo keeps that cheap.
const memo = new Map<string, SectionKey | null>();

/** The section a whole line names, if it is a heading ("WORK EXPERIENCE", "2. Ausbildung:", "E D U C A T I O N"). */
export function sectionOfHeading(line: string): SectionKey | undefined {
  if (line.length > 80) return undefined;
  const known = memo.get(line);
  if (known !== undefined) return known ?? undefined;
  const section = findSection(line);
  if (memo.size >= 4096) memo.clear();
  memo.set(line, section ?? null);
  return section;
}

function findSection(line: string): SectionKey | undefined {
  let text = line
    .trim()
    .replace(/^(?:\d{1,2}|[ivxIVX]{1,4})[.)]\s+/u, '')
    .replace(/^[\s#*=_|►▪■●•·:—–-]+|[\s#*=_|:：►▪■●•·—–-]+$/gu, '');
  if (text === '' || text.length > 60) return undefined;
  // Letter-spaced leftovers: "E X P E R I E N C E", "W O R K  E X P E R I E N C E".
  if (/^(?:\S ){2,}\S(?:\s{2,}(?:\S ){1,}\S)*$/u.test(text)) text = text.split(/\s{2,}/).map((word) => word.replace(/ /g, '')).join(' ');
  if (text.split(/\s+/).length > 6) return undefined;
  const whole = lookupPhrase(text);
  if (whole !== undefined) return whole;
  const parts = text.split(JOINERS).filter((part) => part.trim() !== '');
  if (parts.length < 2) return undefined;
  const sections = parts.map(lookupPhrase);
  return sections.every((section) => section !== undefined) ? sections[0] : undefined;
}

/** A heading that ran into the text after it on the same line ("SKILLS Python, Go", "Experience Senior Developer at …"). */
export interface RunInHeading {
  section: SectionKey;
  rest: string;
}

const isUpper = (text: string) => /\p{Lu}/u.test(text) && !/\p{Ll}/u.test(text);

/**
 * Finds a heading at the start of a longer line. Accepted when the heading is in capitals, ends
 * with a colon, or is title-case and followed by a capitalised word or a bullet: a sentence that
 * merely begins with "Experience with …" stays text.
 */
export function runInHeading(line: string): RunInHeading | undefined {
  if (/^[•‣▪◦●○■►▸➢➤*·-]/u.test(line)) return undefined;
  const colon = /^([^:：—–]{2,40}?)\s*(?:[:：]|\s[—–]\s)\s*(\S.*)$/u.exec(line);
  if (colon) {
    // "Thesis: …", "Courses: …" inside an entry are details, not a section of their own.
    const section = sectionOfHeading(colon[1] ?? '');
    if (section !== undefined && section !== 'other') return { section, rest: colon[2] ?? '' };
  }
  const words = line.split(' ');
  if (!FIRST_WORDS.has(headingKey(words[0] ?? '').split(' ')[0] ?? '')) return undefined;
  for (let count = Math.min(4, words.length - 1); count >= 1; count -= 1) {
    const head = words.slice(0, count).join(' ');
    const rest = words.slice(count).join(' ');
    if (/[:：]$/u.test(head)) continue;
    const section = sectionOfHeading(head);
    if (section === undefined || (section === 'other' && !isUpper(head))) continue;
    const next = rest.charAt(0);
    const capitalised = /[\p{Lu}•▪‣◦*(\d]/u.test(next);
    // A short capitalised rest is more often a title ("Project Lead", "PROJECT MANAGER") than a section's text.
    const long = rest.split(' ').length >= 3;
    if (isUpper(head) && !isUpper(rest.split(' ')[0] ?? '')) return { section, rest };
    if (isUpper(head) && capitalised && long) return { section, rest };
    const titleCase = head.split(' ').every((word) => /^\p{Lu}/u.test(word) || /^(?:and|of|&)$/u.test(word));
    if (titleCase && capitalised && long && !isUpper(head)) return { section, rest };
  }
  return undefined;
}
