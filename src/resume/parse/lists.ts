import type { Static } from 'typebox';
import type {
  ResumeAward,
  ResumeCertificate,
  ResumeInterest,
  ResumeLanguage,
  ResumeProject,
  ResumePublication,
  ResumeReference,
  ResumeSkill,
} from '../json-resume.js';
import { continues, endsSentence, fullWidth, joinSplitRanges, recutInlineBullets, splitBullet } from './blocks.js';
import { findDates, type FoundDates } from './dates.js';
import { hasTitleWord, isLocation } from './roles.js';
import { squash, type CvLine } from './text.js';

/** One item of a list-like section: its first line, the lines under it, its bullets and its date. */
interface ListItem {
  title: string;
  details: string[];
  bullets: string[];
  dates?: FoundDates;
}

/** A date at the start or the end of an item's line, with the line without it; one inside the text stays text. */
function edgeDates(text: string): { dates?: FoundDates; rest: string } {
  const dates = findDates(text);
  if (dates === undefined) return { rest: text };
  const before = text.slice(0, dates.index);
  const after = text.slice(dates.index + dates.length);
  if (/[\p{L}\p{N}]/u.test(before) && /[\p{L}\p{N}]/u.test(after)) return { rest: text };
  const rest = squash(`${before} ${after}`)
    .replace(/\(\s*\)/gu, '')
    .replace(/^[\s,;:|–—-]+|(?:[\s,;:|(–—-]+\.?)+$/gu, '')
    .trim();
  // What a date ending a sentence leaves ("Far Far Away, / 2013.") is no text of its own.
  return { dates, rest: /[\p{L}\p{N}]/u.test(rest) ? rest : '' };
}

/**
 * Cuts a section into items. Bullets start items when the section is a plain bulleted list; blank
 * lines separate items when the text has them; otherwise each line not continuing the previous one
 * starts an item. A line holding only a date gives it to the item next to it.
 */
function listItems(lines: CvLine[], titledBullets: boolean): ListItem[] {
  const recut = joinSplitRanges(recutInlineBullets(lines));
  const width = fullWidth(recut.map((line) => line.text));
  const bulleted = recut.filter((line) => splitBullet(line.text).bullet !== '').length;
  // Projects put a name line above their bullets; only a list made of bullets alone is one item per bullet.
  const allBullets = titledBullets ? bulleted === recut.length : bulleted >= recut.length * 0.6;
  const grouped = !allBullets && recut.filter((line) => line.blankBefore).length >= 2 && recut.some((line, index) => index > 0 && !line.blankBefore);
  // A short capitalised line after a full one is a new item's name ("NeuralPrune"), not its wrapped end.
  const wraps = (previous: string, text: string) => continues(previous, text, width, text.split(' ').length >= 6 || endsSentence(text));
  const dateOnly = (line: CvLine | undefined) => line !== undefined && edgeDates(splitBullet(line.text).text).rest === '';
  // Dates in a column of their own, printed before each item (Awesome-CV: "2023 / AWS Certified …"):
  // the section opens with a date, or with a short group title and then a date.
  const datesFirst = dateOnly(recut[0]) || (dateOnly(recut[1]) && (recut[0]?.text.split(' ').length ?? 0) <= 3);
  const items: ListItem[] = [];
  let pendingDates: FoundDates | undefined;
  let previous = '';
  for (const line of recut) {
    const { bullet, text } = splitBullet(line.text);
    const { dates, rest } = edgeDates(text);
    const current = items[items.length - 1];
    if (dates !== undefined && rest === '') {
      if (datesFirst) pendingDates = dates;
      else if (current !== undefined && current.dates === undefined && !line.blankBefore) current.dates = dates;
      else if (current !== undefined && current.dates === undefined && grouped && items.length > 0 && pendingDates === undefined && !titledBullets) current.dates = dates;
      else pendingDates = dates;
      previous = text;
      continue;
    }
    // A place under an item ("Las Vegas, U.S.A") belongs to it.
    if (current !== undefined && bullet === '' && isLocation(rest)) {
      current.details.push(rest);
      previous = text;
      continue;
    }
    let starts: boolean;
    if (allBullets) starts = bullet !== '';
    else if (bullet !== '') starts = !titledBullets;
    else if (grouped) starts = line.blankBefore;
    else starts = current === undefined || (!wraps(previous, text) && !(titledBullets && (endsSentence(text) || readsAsProse(text))));
    if (current !== undefined && !starts) {
      if (bullet !== '') current.bullets.push(rest);
      else if (current.bullets.length > 0 && wraps(previous, text)) current.bullets[current.bullets.length - 1] += ` ${rest}`;
      else if (current.details.length > 0 && wraps(previous, text)) current.details[current.details.length - 1] += ` ${rest}`;
      else current.details.push(rest);
    } else {
      const item: ListItem = { title: rest, details: [], bullets: [] };
      const itemDates = dates ?? pendingDates;
      if (itemDates !== undefined) item.dates = itemDates;
      pendingDates = undefined;
      items.push(item);
    }
    previous = text;
  }
  return items.filter((item) => item.title !== '');
}

const isoOf = (dates: FoundDates | undefined) => dates?.start;

/** A sentence rather than a name: long, with several words in lower case. */
function readsAsProse(text: string): boolean {
  const words = text.split(' ');
  return words.length >= 7 && words.filter((word) => /^\p{Ll}/u.test(word)).length >= 3;
}

/** "Name: description" or "Name — description", when the name part is short. */
function nameAndRest(text: string): [string, string | undefined] {
  const match = /^([^:：—–]{2,60}?)\s*(?:[:：]|\s[—–]\s)\s*(.+)$/u.exec(text);
  if (match && (match[1] ?? '').split(' ').length <= 6) return [(match[1] ?? '').trim(), (match[2] ?? '').trim()];
  return [text, undefined];
}

const KEYWORD_SPLIT = /\s*[,;，、·•|،؛]\s*/u;

/** Skills, grouped ("Languages: Python, Go") or flat ("Python, Go" or one per line). */
export function parseSkills(lines: CvLine[]): Static<typeof ResumeSkill>[] {
  const recut = recutInlineBullets(lines);
  const width = fullWidth(recut.map((line) => line.text));
  const joined: string[] = [];
  for (const line of recut) {
    const { text } = splitBullet(line.text);
    const last = joined[joined.length - 1];
    const grouped = /^[^:：]{2,50}[:：]/u.test(text);
    if (last !== undefined && !grouped && splitBullet(line.text).bullet === '' && (/[,，、]$/u.test(last) || (last.length >= width * 0.85 && /^\p{Ll}/u.test(text)))) {
      joined[joined.length - 1] = `${last} ${text}`;
    } else joined.push(text);
  }
  const skills: Static<typeof ResumeSkill>[] = [];
  for (const text of joined) {
    const group = /^([^:：]{2,50})[:：]\s*(.+)$/u.exec(text);
    if (group) {
      const keywords = (group[2] ?? '').split(KEYWORD_SPLIT).filter((word) => word !== '');
      skills.push({ name: (group[1] ?? '').trim(), keywords });
      continue;
    }
    for (const item of text.split(KEYWORD_SPLIT)) if (item.trim() !== '') skills.push({ name: item.trim() });
  }
  return skills;
}

const FLUENCY = /^(.{2,40}?)\s*(?:[:：(–—-]|\s(?=\p{Lu}\d|[ABC][12]\b))\s*(.{1,60}?)\)?$/u;

/** Languages with their fluency ("English (Native)", "German: C1", "Français – courant"). */
export function parseLanguages(lines: CvLine[]): Static<typeof ResumeLanguage>[] {
  const out: Static<typeof ResumeLanguage>[] = [];
  for (const line of recutInlineBullets(lines)) {
    const { text } = splitBullet(line.text);
    const items = /[(:]/u.test(text) && !/,.*[(:]/u.test(text) ? [text] : text.split(KEYWORD_SPLIT);
    for (const item of items) {
      const match = FLUENCY.exec(item.trim());
      if (match) out.push({ language: (match[1] ?? '').trim(), fluency: (match[2] ?? '').trim() });
      else if (item.trim() !== '' && item.trim().split(' ').length <= 4) out.push({ language: item.trim() });
    }
  }
  return out;
}

/** Interests, one per line or comma-separated. */
export function parseInterests(lines: CvLine[]): Static<typeof ResumeInterest>[] {
  return lines.flatMap((line) => {
    const [name, rest] = nameAndRest(splitBullet(line.text).text);
    const keywords = rest?.split(KEYWORD_SPLIT).filter((word) => word !== '');
    if (keywords !== undefined) return [{ name, keywords }];
    return name.split(KEYWORD_SPLIT).filter((word) => word !== '').map((word) => ({ name: word }));
  });
}

/** Certificates: name, issuer after the last comma, date. */
export function parseCertificates(lines: CvLine[]): Static<typeof ResumeCertificate>[] {
  return listItems(lines, false).map((item) => {
    const comma = item.title.lastIndexOf(', ');
    const [name, issuer] = comma > 0 ? [item.title.slice(0, comma), item.title.slice(comma + 2)] : [item.title, undefined];
    const date = isoOf(item.dates);
    return { name, ...(issuer !== undefined ? { issuer } : {}), ...(date !== undefined ? { date } : {}) };
  });
}

/** Awards: the line as title, its date, the lines under it as summary. */
export function parseAwards(lines: CvLine[]): Static<typeof ResumeAward>[] {
  return listItems(lines, false).map((item) => {
    const date = isoOf(item.dates);
    const summary = [...item.details, ...item.bullets].join('\n');
    return { title: item.title, ...(date !== undefined ? { date } : {}), ...(summary !== '' ? { summary } : {}) };
  });
}

/** Publications: title, its date, what follows as summary. */
export function parsePublications(lines: CvLine[]): Static<typeof ResumePublication>[] {
  return listItems(lines, false).map((item) => {
    const releaseDate = isoOf(item.dates);
    const summary = [...item.details, ...item.bullets].join('\n');
    return { name: item.title, ...(releaseDate !== undefined ? { releaseDate } : {}), ...(summary !== '' ? { summary } : {}) };
  });
}

/** Projects: a name line (or "Name: description"), its description, its bullets, its dates. */
export function parseProjects(lines: CvLine[]): Static<typeof ResumeProject>[] {
  // A job title right under a project's name ("E-Commerce Platform / Project Lead") is its role.
  const items: (ListItem & { roles?: string[] })[] = [];
  for (const item of listItems(lines, true)) {
    const previous = items[items.length - 1];
    const previousBare = previous !== undefined && previous.details.length === 0 && previous.bullets.length === 0 && previous.roles === undefined;
    if (previous !== undefined && previousBare && hasTitleWord(item.title) && item.title.split(' ').length <= 5) {
      previous.roles = [item.title];
      previous.details.push(...item.details);
      previous.bullets.push(...item.bullets);
      if (item.dates !== undefined) previous.dates ??= item.dates;
      continue;
    }
    items.push(item);
  }
  return items.map((item) => {
    const [name, inline] = nameAndRest(item.title);
    const description = [...(inline === undefined ? [] : [inline]), ...item.details].join('\n');
    const startDate = item.dates?.start;
    const endDate = item.dates?.range ? (item.dates.current ? undefined : item.dates.end) : undefined;
    return {
      name,
      ...(description !== '' ? { description } : {}),
      ...(item.bullets.length > 0 ? { highlights: item.bullets } : {}),
      ...(item.roles !== undefined ? { roles: item.roles } : {}),
      ...(startDate !== undefined ? { startDate } : {}),
      ...(endDate !== undefined ? { endDate } : {}),
    };
  });
}

/** References: a name line and what follows it. */
export function parseReferences(lines: CvLine[]): Static<typeof ResumeReference>[] {
  return listItems(lines, false).map((item) => {
    const reference = [...item.details, ...item.bullets].join('\n');
    return { name: item.title, ...(reference !== '' ? { reference } : {}) };
  });
}

/** A summary section as one paragraph per blank-line-separated block. */
export function parseSummary(lines: CvLine[]): string | undefined {
  const text = lines.map((line, index) => (index > 0 && line.blankBefore ? `\n${line.text}` : line.text)).join(' ');
  const clean = text.replace(/ \n/g, '\n').trim();
  return clean === '' ? undefined : clean;
}
