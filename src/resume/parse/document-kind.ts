import { lowerSameLength } from './text.js';

/** How much a text reads as something other than a CV, and as what. */
export interface DocumentKind {
  kind: 'cv' | 'cover_letter' | 'job_advert';
  /** 0–1: how sure the text is not a CV. */
  notCvConfidence: number;
}

/** What the rest of the parse already counted about the text. */
export interface CvSignals {
  /** Distinct known sections found. */
  sections: number;
  /** Date ranges found (employment and study periods). */
  dateRanges: number;
}

const phrases = (list: string) => list.split('|').map((phrase) => phrase.trim()).filter((phrase) => phrase !== '');

const SALUTATION = /^(?:dear|to whom it may concern|sehr geehrte|liebe[rs]?\s|madame|monsieur|cher|chère|estimad[oa]s?|querid[oa]|gentile|egregi[oa]|prezad[oa]s?|уважаем|尊敬的|با سلام|جناب|عزیز|السيد|عزيزي)/mu;
const CLOSING = /^(?:sincerely|yours sincerely|yours faithfully|yours truly|best regards|kind regards|warm regards|mit freundlichen grüßen|freundliche grüße|cordialement|veuillez agréer|je vous prie d'agréer|atentamente|un cordial saludo|cordiali saluti|distinti saluti|atenciosamente|cordialmente|с уважением|此致|敬礼|با احترام|با تشکر|مع التحية|وتفضلوا)/mu;
const LETTER_PHRASES = phrases(`i am writing|i am excited to apply|i am applying|to apply for|i would like to apply|your company|your team|i would welcome|thank you for your consideration|thank you for considering|look forward to hearing|cover letter|
  ich bewerbe mich|bewerbung als|anschreiben|ihr unternehmen|je me permets|lettre de motivation|votre entreprise|ma candidature|me dirijo|carta de presentación|mi candidatura|su empresa|
  la mia candidatura|vostra azienda|minha candidatura|sua empresa|сопроводительное письмо|вашей компании|求职信|贵公司|نامه پوششی|شرکت شما`);
const ADVERT_PHRASES = phrases(`we are looking for|we're looking for|we are seeking|what you'll do|what you will do|you will|your responsibilities|responsibilities|requirements|minimum qualifications|preferred qualifications|
  qualifications|apply now|how to apply|apply|benefits|we offer|about the role|about the job|about us|job description|job summary|job type|job types|salary|the ideal candidate|must have|nice to have|
  join our team|your profile|years of experience|full-time|part-time|we are looking to|position title|key responsibilities|responsibilities and duties|requirement|
  company profile|hiring|what we offer|who you are|candidates|the candidate|the role|employment type|compensation|perks|working days|our client|
  
  wir suchen|ihre aufgaben|ihr profil|wir bieten|bewerben sie sich|stellenangebot|nous recherchons|vos missions|votre profil|nous offrons|postuler|avantages|
  buscamos|estamos buscando|requisitos|responsabilidades|funciones|ofrecemos|postular|postúlate|beneficios|cerchiamo|requisiti|offriamo|candidati|procuramos|oferecemos|candidate-se|benefícios|
  мы ищем|требования|обязанности|мы предлагаем|условия работы|откликнуться|岗位职责|任职要求|职位描述|工作职责|我们提供|招聘|شرایط احراز|مسئولیت‌ها|مزایا|استخدام|ما به دنبال|المسؤوليات|المتطلبات|نبحث عن`);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// One pattern per list, matched against lower-cased text: a hundred small case-folding patterns
// cost far more to compile and run than one alternation.
// Chinese writes no spaces, so its phrases match anywhere; the others only as whole words.
const HAN = /\p{Script=Han}/u;
const alternation = (list: string[]) => [...list].sort((a, b) => b.length - a.length).map(escape).join('|');
const matcher = (list: string[]) => {
  const han = list.filter((phrase) => HAN.test(phrase));
  const spaced = `(?<![\\p{L}])(?:${alternation(list.filter((phrase) => !HAN.test(phrase)))})(?![\\p{L}])`;
  return new RegExp(han.length > 0 ? `${spaced}|${alternation(han)}` : spaced, 'gu');
};
const LETTER_MATCHER = matcher(LETTER_PHRASES);
const ADVERT_MATCHER = matcher(ADVERT_PHRASES);
/** How many different phrases of a list the text holds. */
const phraseCount = (text: string, pattern: RegExp) => new Set(Array.from(text.matchAll(pattern), (match) => match[0])).size;

const clamp = (value: number) => Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;

/**
 * Scores a text as a cover letter (salutation, closing, letter phrases, first-person paragraphs)
 * and as a job advert (its stock phrases, in several languages), each discounted by what makes a
 * CV (known sections, date ranges). Only the first 10,000 characters are read: enough to tell.
 */
export function classifyDocument(fullText: string, signals: CvSignals): DocumentKind {
  const cvness = 0.6 * Math.min(1, signals.dateRanges / 3) + 0.4 * Math.min(1, signals.sections / 4);
  const text = fullText.slice(0, 10000);
  const lower = lowerSameLength(text);
  const words = Math.max(1, text.split(/\s+/).length);
  const firstPerson = (text.match(/(?<![\p{L}])(?:I|[Ii]ch|[Jj]e|[Jj]'|[Yy]o|[Ii]o|[Ee]u|[Яя]|我|من)(?![\p{L}])/gu) ?? []).length;
  const letterBase = (SALUTATION.test(lower) ? 0.4 : 0) + (CLOSING.test(lower) ? 0.3 : 0) + Math.min(0.2, (firstPerson / words) * 5);
  // The phrase scans are the costly part: skipped when even a full score could not reach the threshold.
  const letter = letterBase + 0.3 - 0.6 * cvness < 0.5 ? letterBase : letterBase + Math.min(3, phraseCount(lower, LETTER_MATCHER)) * 0.1;
  let advert = 0;
  if (1 - 0.7 * cvness >= 0.5) {
    // Adverts speak to the reader and for the employer ("you will", "our team"); CVs seldom do either.
    const addressed = (lower.match(/(?<![\p{L}])(?:you|your|we|our|sie|ihr|wir|unser|vous|votre|nous|notre|usted|tu|nosotros|nuestro|voi|noi|nostro|você|nós|nosso|вы|ваш|мы|наш|您|你|我们|شما|ما)(?![\p{L}])/gu) ?? []).length;
    advert = Math.min(1, phraseCount(lower, ADVERT_MATCHER) / 5 + Math.min(0.3, (addressed / words) * 6));
  }
  const letterScore = clamp(letter - 0.6 * cvness);
  const advertScore = clamp(advert - 0.7 * cvness);
  if (Math.max(letterScore, advertScore) < 0.5) return { kind: 'cv', notCvConfidence: Math.max(letterScore, advertScore) };
  return letterScore >= advertScore ? { kind: 'cover_letter', notCvConfidence: letterScore } : { kind: 'job_advert', notCvConfidence: advertScore };
}
