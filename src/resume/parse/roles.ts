import { lowerSameLength } from './text.js';

/** What a short piece of an entry's header line most likely names. */
export type PieceRole = 'title' | 'org' | 'school' | 'degree' | 'location' | 'unknown';

const words = (list: string) => list.split(/\s*\|\s*/).filter((word) => word !== '');

// Job-title words in the languages CVs arrive in; matched at word starts, so "entwickler" also finds
// "Softwareentwickler" only when written apart; compound German titles are listed by their common tails.
const TITLE_WORDS = words(`engineer|engineering manager|developer|programmer|manager|director|intern|internship|assistant|analyst|scientist|consultant|designer|architect|lead|head|officer|
  specialist|administrator|researcher|research fellow|fellow|teacher|lecturer|professor|tutor|founder|co-founder|cofounder|cto|ceo|cfo|coo|vp|vice president|president|member|coordinator|associate|
  technician|editor|writer|accountant|nurse|doctor|physician|owner|partner|advisor|adviser|representative|executive|supervisor|trainee|apprentice|student|volunteer|chair|secretary|
  sre|devops|devrel|evangelist|instructor|postdoc|postdoctoral|clerk|cashier|waiter|driver|operator|agent|attorney|lawyer|paralegal|pharmacist|therapist|chef|strategist|recruiter|
  ingenieur|ingenieurin|entwickler|entwicklerin|softwareentwickler|softwareentwicklerin|leiter|leiterin|beraterin|teamleiter|projektleiter|berater|praktikant|praktikantin|werkstudent|werkstudentin|geschäftsführer|mitarbeiter|referent|sachbearbeiter|
  ingénieur|ingénieure|développeur|développeuse|developpeur|consultante|directrice|chef de projet|responsable|stagiaire|directeur|chargé|chargée|analyste|alternant|technicien|enseignant|
  ingeniero|ingeniera|desarrollador|desarrolladora|programador|gerente|jefe|jefa|analista|practicante|becario|becaria|consultor|consultora|coordinador|coordinadora|auxiliar|
  ingegnere|sviluppatore|sviluppatrice|programmatore|responsabile|stagista|tirocinante|consulente|
  engenheiro|engenheira|desenvolvedor|desenvolvedora|estagiário|estagiária|diretor|coordenador|gestor|
  инженер|разработчик|программист|руководитель|менеджер|директор|аналитик|стажер|стажёр|ведущий|старший|специалист|консультант|тестировщик|архитектор|преподаватель|
  工程师|经理|总监|实习生|实习|开发|主管|研究员|助理|设计师|架构师|职位|组长|专员|顾问|
  مهندس|برنامه‌نویس|برنامه نویس|توسعه‌دهنده|توسعه دهنده|مدیر|کارشناس|تحلیلگر|کارآموز|مشاور|مطور|مهندس برمجيات|مدير|محلل`);

const ORG_WORDS = words(`inc|inc.|ltd|ltd.|llc|llp|plc|gmbh|ag|kg|se|corp|corp.|corporation|company|co.|co|s.a.|sa|sas|sarl|s.l.|sl|srl|s.r.l.|spa|s.p.a.|ltda|bv|nv|oy|ab|pty|
  group|labs|lab|technologies|solutions|systems|consulting|bank|studio|agency|partners|holdings|ventures|foundation|association|ministry|department|
  ооо|оао|зао|пао|ао|компания|公司|有限公司|集团|شرکت|موسسه|شركة`);

const SCHOOL_WORDS = words(`university|universität|universitat|université|universite|universidad|università|universita|universidade|universiteit|uniwersytet|
  college|school|institute|院校|institut|instituto|istituto|hochschule|fachhochschule|academy|akademie|académie|academia|accademia|polytechnic|politecnico|politécnica|polytechnique|
  école|ecole|escuela|escola|lycée|lycee|gymnasium|liceo|colegio|conservatory|seminary|faculty|fakultät|faculté|facultad|
  университет|институт|академия|колледж|техникум|лицей|школа|大学|学院|学校|中学|研究院|研究所|دانشگاه|دانشکده|آموزشگاه|مدرسه|جامعة|كلية|معهد|postech|kaist|mit|eth|epfl|ucla`);

const DEGREE_WORDS = words(`bachelor|bachelors|bachelor's|bacharelado|diplôme|diplome|master|masters|master's|phd|ph.d.|ph.d|doctor of|doctorate|mba|msc|m.sc.|m.sc|bsc|b.sc.|b.sc|b.s.|b.s|m.s.|m.s|bs|ms|ba|b.a.|ma|m.a.|
  beng|b.eng.|meng|m.eng.|b.tech|btech|m.tech|mtech|associate degree|associate of|diploma|diplom|high school|a-levels|abitur|
  licence|licenciatura|licenciado|grado|grau|laurea|magistrale|magister|baccalauréat|baccalaureat|bachillerato|mestrado|doutorado|doctorado|dottorato|máster|master en|ingénieur diplômé|
  бакалавр|магистр|специалист|аспирант|аспирантура|кандидат наук|学士|硕士|博士|本科|研究生|学位|کارشناسی|کارشناسی ارشد|دکتری|دکترا|کاردانی|دیپلم|بكالوريوس|ماجستير|دكتوراه`);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CJK_OR_ARABIC = /[\p{Script=Han}\p{Script=Arabic}]/u;

/** A matcher for whole words from a list (CJK and Arabic-script words match anywhere). */
function wordMatcher(list: string[]): RegExp {
  const spaced = list.filter((word) => !CJK_OR_ARABIC.test(word)).sort((a, b) => b.length - a.length).map(escape);
  const unspaced = list.filter((word) => CJK_OR_ARABIC.test(word)).map(escape);
  const parts = [`(?<![\\p{L}\\p{N}])(?:${spaced.join('|')})(?![\\p{L}\\p{N}])`];
  if (unspaced.length > 0) parts.push(`(?:${unspaced.join('|')})`);
  return new RegExp(parts.join('|'), 'u');
}

const TITLE = wordMatcher(TITLE_WORDS);
const ORG = wordMatcher(ORG_WORDS);
const SCHOOL = wordMatcher(SCHOOL_WORDS);
const DEGREE = wordMatcher(DEGREE_WORDS);
const REMOTE = /^(?:remote|hybrid|on-?site|télétravail|remoto|homeoffice|home office|удал[её]нно)$/iu;

// The matchers take lower-cased text (see lowerSameLength): no `i` flag to compile.
/** Whether a piece names a job title. */
export const hasTitleWord = (text: string) => TITLE.test(lowerSameLength(text));
/** Whether a piece names a school or university. */
export const hasSchoolWord = (text: string) => SCHOOL.test(lowerSameLength(text));
/** Whether a piece names a degree. */
const hasDegreeWord = (text: string) => DEGREE.test(lowerSameLength(text));
/** Whether a piece names a company (a legal form or an organisation noun). */
export const hasOrgWord = (text: string) => ORG.test(lowerSameLength(text));

const TITLE_ALL = new RegExp(TITLE.source, 'gu');
const LEADING_DEGREE = new RegExp(`^(?:${DEGREE.source})`, 'u');

/** Where a degree that opens a piece ends ("PhD Princeton University"), or -1. */
export function degreeEnd(text: string): number {
  const match = LEADING_DEGREE.exec(lowerSameLength(text));
  return match ? match[0].length : -1;
}

/** Where a title keyword ends, for splitting "Senior Developer ABC Tech" glued by a lost line break. */
export function titleEnd(text: string): number {
  let end = -1;
  for (const match of lowerSameLength(text).matchAll(TITLE_ALL)) end = match.index + match[0].length;
  return end;
}

/**
 * Whether a piece reads as a place: "Mountain View, CA", "Seoul, S.Korea", "Remote", "Berlin".
 * A single capitalised word is a place only when `lone` (a line of its own after a title or a date).
 */
export function isLocation(text: string): boolean {
  const clean = text.replace(/^(?:location|lieu|ort|ubicación|ubicacion|luogo|local|место|地点|محل)\s*[:：]\s*/iu, '').trim();
  if (clean !== text.trim()) return true;
  if (REMOTE.test(clean)) return true;
  if (hasTitleWord(clean) || hasOrgWord(clean) || hasSchoolWord(clean) || hasDegreeWord(clean) || /\d{3,}/.test(clean)) return false;
  const parts = clean.split(/\s*,\s*/);
  if (parts.length < 2 || parts.length > 4) return false;
  return parts.every((part) => /^[\p{Lu}][\p{L}.'’ -]{0,30}$/u.test(part) && part.split(' ').length <= 4);
}

/** Classifies one piece of a header line; `inEducation` prefers schools and degrees. */
export function classifyPiece(text: string, inEducation: boolean): PieceRole {
  if (inEducation) {
    if (hasDegreeWord(text)) return 'degree';
    if (hasSchoolWord(text)) return 'school';
  }
  if (isLocation(text)) return 'location';
  if (!inEducation && hasSchoolWord(text) && !hasTitleWord(text)) return 'org';
  if (hasOrgWord(text) && !hasTitleWord(text)) return 'org';
  if (hasTitleWord(text)) return 'title';
  if (hasOrgWord(text)) return 'org';
  return 'unknown';
}
