import { asciiDigits, lowerSameLength } from './text.js';

/** A date or a date range found in a line; `index`/`length` locate it in that line. */
export interface FoundDates {
  start?: string;
  end?: string;
  /** The range runs to the present ("– Present", "seit 2019", "至今"). */
  current: boolean;
  /** A range (two ends, or an open end), not a lone date. */
  range: boolean;
  index: number;
  length: number;
}

// Gregorian month names and common abbreviations in the languages CVs arrive in. Solar Hijri months
// are separate: they shift the year as well.
const MONTHS: Record<string, number> = {};
const addMonths = (names: string) =>
  names.split(' ').forEach((group, month) => group.split('|').forEach((name) => (MONTHS[name] = month + 1)));
addMonths('january|jan february|feb march|mar april|apr may june|jun july|jul august|aug september|sep|sept october|oct november|nov december|dec');
addMonths('januar|jänner|jän februar|febr märz|maerz|mär|mrz april mai juni juli august september oktober|okt november dezember|dez');
addMonths('janvier|janv février|fevrier|févr|fevr|fév mars avril|avr mai juin juillet|juil août|aout septembre octobre novembre décembre|decembre|déc');
addMonths('enero|ene febrero marzo abril|abr mayo junio julio agosto|ago septiembre|setiembre|set octubre noviembre diciembre|dic');
addMonths('gennaio|gen febbraio marzo aprile maggio|mag giugno|giu luglio|lug agosto settembre ottobre|ott novembre dicembre');
addMonths('janeiro fevereiro|fev março|marco maio junho julho agosto setembro outubro|out novembro dezembro');
addMonths('январь|января|янв февраль|февраля|фев март|марта апрель|апреля май|мая июнь|июня|июн июль|июля|июл август|августа|авг сентябрь|сентября|сен|сент октябрь|октября|окт ноябрь|ноября|ноя декабрь|декабря|дек');
addMonths('ژانویه فوریه مارس آوریل مه|مى|مي ژوئن ژوئیه|جولای اوت|آگوست سپتامبر اکتبر نوامبر دسامبر');
addMonths('يناير|كانون_الثاني فبراير|شباط مارس|آذار أبريل|ابريل|نيسان مايو|أيار يونيو|حزيران يوليو|تموز أغسطس|اغسطس|آب سبتمبر|أيلول أكتوبر|اكتوبر|تشرين_الأول نوفمبر|تشرين_الثاني ديسمبر|كانون_الأول');
const SOLAR_MONTHS = ['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور', 'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'];

const SEASONS = 'spring|summer|fall|autumn|winter|frühling|sommer|herbst|printemps|été|automne|hiver|primavera|verano|otoño|invierno|estate|autunno|inverno|verão|outono|весна|лето|осень|зима';
const PRESENT =
  "present|current|currently|now|today|ongoing|to date|till date|date|heute|aktuell|jetzt|laufend|dato|aujourd['’]hui|présent|actuel|actuellement|en cours|maintenant|actualidad|presente|hoy|actual|la fecha|oggi|attuale|in corso|atual|atualmente|o momento|hoje|по настоящее время|настоящее время|наст\\.? ?вр(?:емя|\\.)?|н\\.\\s?в\\.|сейчас|текущее время|至今|现在|目前|今|حال|اکنون|تاکنون|الآن|حتى الآن";
const SINCE = 'since|from|seit|ab|depuis|desde|dal|dall[’\']|da|desde|с|со|自|از|منذ';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const MONTH_NAMES = [...Object.keys(MONTHS), ...SOLAR_MONTHS]
  .sort((a, b) => b.length - a.length)
  .map((name) => escape(name).replace(/_/g, '\\s'))
  .join('|');

// One date. Every quantifier is bounded and each alternative starts on a different token, so a long
// hostile line costs linear time.
const YEAR = "(?:['’]?\\d{2}(?!\\d)|\\d{4})";
const DATE = [
  `(?:${MONTH_NAMES})\\.?,?\\s{0,2}(?:\\d{1,2},?\\s{1,2})?${YEAR}`,
  `\\d{4}\\s{0,2}年(?:\\s{0,2}\\d{1,2}\\s{0,2}月)?`,
  `\\d{4}\\s{0,2}(?:${MONTH_NAMES})`,
  `\\d{1,2}[./]\\d{1,2}[./]\\d{4}`,
  `\\d{1,2}[./-]\\d{4}`,
  `\\d{4}[./-]\\d{1,2}(?![\\d./-])`,
  `(?:${SEASONS})\\s{1,2}\\d{4}`,
  `\\d{4}`,
].join('|');
const SEPARATOR = `\\s{0,3}(?:[-–—‒―~]{1,2}|→)\\s{0,3}|\\s{1,3}(?:to|till|until|bis|à|au|a|al|hasta|ao|até|до|по|تا|الی|إلى|حتى)\\s{1,3}|\\s{0,3}至\\s{0,3}`;
const BEFORE = '(?<![\\p{L}\\p{N}])';
const AFTER = '(?![\\p{L}\\p{N}])';

// All matched against lower-cased text (see lowerSameLength), hence no `i` flag.
const RANGE = new RegExp(`${BEFORE}(${DATE})(?:${SEPARATOR})(?:(${DATE})|(${PRESENT}))${AFTER}`, 'u');
const OPEN_RANGE = new RegExp(`${BEFORE}(?:(?:${SINCE})\\s{0,2}(${DATE})|(${DATE})\\s{0,2}(?:[-–—]\\s{0,2})?(?:${PRESENT}|起|以来))${AFTER}`, 'u');
const DANGLING = new RegExp(`${BEFORE}(${DATE})\\s{0,3}[-–—]\\s{0,3}$`, 'u');
const SINGLE = new RegExp(`${BEFORE}(${DATE})${AFTER}`, 'gu');
const SEASON_YEAR = new RegExp(`^(?:${SEASONS})\\s+(\\d{4})$`, 'u');
const PRESENT_AT_START = new RegExp(`^(?:${PRESENT})${AFTER}`, 'u');

const plausibleYear = (year: number) => (year >= 1940 && year <= 2049) || (year >= 1300 && year <= 1449);

/**
 * A year in 1300–1449 is read as Solar Hijri (Persian CVs) and shifted to Gregorian: +621 for the
 * year alone (most of a Solar year falls in that Gregorian year), month by month when one is given.
 */
function gregorian(year: number, month?: number, solarMonth = false): string {
  if (year >= 1300 && year <= 1449) {
    if (month === undefined) return String(year + 621);
    // Farvardin begins about 21 March: months 1–9 fall mostly in April–December, 10–12 in the next year.
    const shifted = month <= 9 ? month + 3 : month - 9;
    return `${year + (month <= 9 ? 621 : 622)}-${String(shifted).padStart(2, '0')}`;
  }
  if (solarMonth) return String(year);
  return month === undefined ? String(year) : `${year}-${String(month).padStart(2, '0')}`;
}

const fullYear = (digits: string): number => {
  const clean = digits.replace(/['’]/g, '');
  if (clean.length === 4) return Number(clean);
  const short = Number(clean);
  return short >= 50 ? 1900 + short : 2000 + short;
};

/** Reads one date as ISO `YYYY-MM` or `YYYY`; undefined when it is not a plausible date. */
export function toIsoDate(token: string): string | undefined {
  const text = asciiDigits(token).toLowerCase().trim();
  let match = /^(\d{4})\s*年(?:\s*(\d{1,2})\s*月)?$/.exec(text);
  if (match) return checked(Number(match[1]), match[2] === undefined ? undefined : Number(match[2]));
  match = /^\d{1,2}[./](\d{1,2})[./](\d{4})$/.exec(text);
  if (match) return checked(Number(match[2]), Number(match[1]));
  match = /^(\d{1,2})[./-](\d{4})$/.exec(text);
  if (match) return checked(Number(match[2]), Number(match[1]));
  match = /^(\d{4})[./-](\d{1,2})$/.exec(text);
  if (match) return checked(Number(match[1]), Number(match[2]));
  match = /^(\d{4})$/.exec(text);
  if (match) return checked(Number(match[1]));
  match = SEASON_YEAR.exec(text);
  if (match) return checked(Number(match[1]));
  match = /^(\d{4})\s*(\p{L}+)$/u.exec(text);
  if (match) return monthYear(match[2] ?? '', match[1] ?? '');
  match = /^([\p{L}\s]+?)\.?,?\s*(?:\d{1,2},?\s+)?(['’]?\d{2,4})$/u.exec(text);
  if (match) return monthYear((match[1] ?? '').trim(), match[2] ?? '');
  return undefined;
}

function monthYear(name: string, year: string): string | undefined {
  const solar = SOLAR_MONTHS.indexOf(name);
  if (solar >= 0) return checked(fullYear(year), solar + 1, true);
  const month = MONTHS[name.replace(/\s+/g, '_')];
  return month === undefined ? undefined : checked(fullYear(year), month);
}

function checked(year: number, month?: number, solarMonth = false): string | undefined {
  if (!plausibleYear(year)) return undefined;
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (solarMonth && !(year >= 1300 && year <= 1449)) return undefined;
  if (solarMonth) return gregorian(year, month);
  return year >= 1300 && year <= 1449 ? gregorian(year) : gregorian(year, month);
}

// The same lines are asked about several times in one parse; a small bounded memo keeps that cheap.
const memo = new Map<string, FoundDates | null>();
const MEMO_SIZE = 4096;

/** Finds the first date range in a line, else an open range ("since 2019"), else a lone date. */
export function findDates(line: string): FoundDates | undefined {
  // Every form holds a digit; most lines of a CV hold none.
  if (!/[\d\u06f0-\u06f9\u0660-\u0669]/.test(line)) return undefined;
  const known = memo.get(line);
  if (known !== undefined) return known ?? undefined;
  const found = searchDates(line);
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(line, found ?? null);
  return found;
}

function searchDates(line: string): FoundDates | undefined {
  const text = lowerSameLength(asciiDigits(line));
  const range = RANGE.exec(text);
  if (range) {
    const start = toIsoDate(range[1] ?? '');
    const end = range[2] === undefined ? undefined : toIsoDate(range[2]);
    if (start !== undefined && (range[3] !== undefined || end !== undefined)) {
      return { start, end, current: range[3] !== undefined, range: true, index: range.index, length: range[0].length };
    }
  }
  const open = OPEN_RANGE.exec(text);
  if (open) {
    const start = toIsoDate(open[1] ?? open[2] ?? '');
    if (start !== undefined) return { start, current: true, range: true, index: open.index, length: open[0].length };
  }
  const dangling = DANGLING.exec(text);
  if (dangling) {
    const start = toIsoDate(dangling[1] ?? '');
    if (start !== undefined) return { start, current: true, range: true, index: dangling.index, length: dangling[0].length };
  }
  for (const single of text.matchAll(SINGLE)) {
    const date = toIsoDate(single[1] ?? '');
    if (date !== undefined) return { start: date, current: false, range: false, index: single.index, length: single[0].length };
  }
  return undefined;
}

/** Whether a line begins with a word for "the present" (a range split over two lines in moderncv). */
export function startsWithPresent(line: string): number {
  const match = PRESENT_AT_START.exec(lowerSameLength(line));
  return match ? match[0].length : 0;
}

/** Whether a line begins with a date (the other half of a range split over two lines). */
export function startsWithDate(line: string): number {
  const found = findDates(line);
  return found !== undefined && found.index === 0 && !found.range ? found.length : 0;
}
