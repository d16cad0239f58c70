// The language a CV is written in, guessed from its own text so a render can label its sections and
// declare its language without asking. Script first (a Cyrillic CV is Russian, a Hangul one Korean);
// Latin-script CVs are told apart by their commonest function words. It runs per render request, so it
// is a handful of native regex passes over the text, nothing more.
import { printedText } from './fonts.js';

/** Letters of each script; CJK characters count for more, as one of them often carries a whole word. */
const scripts = [
  { code: 'cjk', pattern: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu, weight: 3 },
  { code: 'ko', pattern: /\p{Script=Hangul}/gu, weight: 2 },
  { code: 'arabic', pattern: /\p{Script=Arabic}/gu, weight: 1 },
  { code: 'he', pattern: /\p{Script=Hebrew}/gu, weight: 1 },
  { code: 'ru', pattern: /\p{Script=Cyrillic}/gu, weight: 1 },
  { code: 'el', pattern: /\p{Script=Greek}/gu, weight: 1 },
] as const;

const latinLetter = /\p{Script=Latin}/gu;
// E-mail and web addresses say nothing about the language the CV is written in.
const addresses = /\S+@\S+|\S*:\/\/\S*/gu;
const kana = /[\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const han = /\p{Script=Han}/gu;
// Persian writes پ چ ژ گ and its own yeh and kaf (ی ک); Arabic writes ي ك and the tied ة instead.
const persianLetters = /[پچژگیک]/gu;
const arabicOnlyLetters = /[يكة]/gu;

/** Words frequent in CV prose in one language; a word shared by several counts for each. */
const functionWords: Record<string, readonly string[]> = {
  en: ['the', 'and', 'of', 'to', 'in', 'for', 'with', 'on', 'at', 'by', 'from', 'is', 'was', 'were', 'have', 'has', 'this', 'that', 'which', 'an', 'our', 'my', 'as'],
  de: ['der', 'die', 'das', 'und', 'mit', 'für', 'von', 'zu', 'im', 'den', 'dem', 'des', 'ein', 'eine', 'einer', 'ist', 'auf', 'bei', 'als', 'auch', 'sowie', 'über', 'nach', 'zur', 'zum'],
  fr: ['le', 'la', 'les', 'et', 'des', 'du', 'de', 'pour', 'avec', 'dans', 'un', 'une', 'au', 'aux', 'en', 'sur', 'par', 'est', 'à', 'ses', 'sa', 'son', 'où', 'chez'],
  es: ['el', 'la', 'los', 'las', 'y', 'de', 'del', 'para', 'con', 'en', 'un', 'una', 'por', 'que', 'al', 'se', 'su', 'sus', 'como', 'más'],
  it: ['il', 'lo', 'la', 'gli', 'le', 'e', 'di', 'del', 'della', 'per', 'con', 'in', 'un', 'una', 'che', 'da', 'dei', 'delle', 'nel', 'nella', 'alla', 'sono'],
  pt: ['o', 'a', 'os', 'as', 'e', 'de', 'do', 'da', 'dos', 'das', 'para', 'com', 'em', 'um', 'uma', 'no', 'na', 'nos', 'nas', 'por', 'que', 'ao', 'não'],
};

/** Letters that belong to one Latin-script language only, each worth one function word. */
const telltaleLetters: Record<string, RegExp> = {
  de: /[ßäöü]/gu,
  fr: /[œèêëîïûù]/gu,
  es: /[ñ¿¡]/gu,
  pt: /[ãõ]/gu,
};

const latinLanguages = Object.keys(functionWords);
const languageOfWord = new Map<string, string[]>();
for (const language of latinLanguages) {
  for (const word of functionWords[language] ?? []) languageOfWord.set(word, [...(languageOfWord.get(word) ?? []), language]);
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** The ISO 639-1 code of the language `cv` (a JSON Resume CV, or any JSON) is mostly written in; `en` when unsure. */
export function guessCvLanguage(cv: unknown): string {
  const text = printedText(cv).replace(addresses, ' ');
  let best = { code: 'latin', score: 0 };
  for (const script of scripts) {
    const score = count(text, script.pattern) * script.weight;
    if (score > best.score) best = { code: script.code, score };
  }
  // Tool names, e-mail and brands are Latin in CVs of every language: another script needs only a share.
  if (best.score === 0 || best.score * 4 < count(text, latinLetter)) return latinLanguage(text);
  switch (best.code) {
    case 'cjk':
      // Japanese mixes kana into its kanji; Chinese has none, bar a stray katakana name.
      return count(text, kana) * 10 > count(text, han) ? 'ja' : 'zh';
    case 'arabic':
      return count(text, persianLetters) > count(text, arabicOnlyLetters) ? 'fa' : 'ar';
    default:
      return best.code;
  }
}

function latinLanguage(text: string): string {
  const lower = text.toLowerCase();
  const scores = new Map<string, number>(latinLanguages.map((language) => [language, 0]));
  for (const [word] of lower.matchAll(/\p{L}+/gu)) {
    for (const language of languageOfWord.get(word) ?? []) scores.set(language, (scores.get(language) ?? 0) + 1);
  }
  for (const [language, letters] of Object.entries(telltaleLetters)) scores.set(language, (scores.get(language) ?? 0) + count(lower, letters));
  let best = 'en';
  for (const [language, score] of scores) if (score > (scores.get(best) ?? 0)) best = language;
  return best;
}
