import type { ResumeEducationEntry, ResumeWorkEntry } from '../json-resume.js';
import { continues, endsSentence, fullWidth, joinSplitRanges, recutInlineBullets, splitBullet } from './blocks.js';
import { findDates, type FoundDates } from './dates.js';
import { splitPieces, type Piece } from './pieces.js';
import { degreeEnd, hasSchoolWord, hasTitleWord, isLocation, titleEnd } from './roles.js';
import { squash, squashCells, type CvLine } from './text.js';

type LineKind = 'date' | 'head' | 'body';

interface SortedLine {
  kind: LineKind;
  text: string;
  bulleted: boolean;
  dates?: FoundDates;
}

interface EntryDraft {
  before: Piece[];
  anchor: Piece[];
  after: Piece[];
  dates?: FoundDates;
  bullets: string[];
  prose: string[];
  score?: string;
}

const DATE_LABEL = /^(?:dates?|period|période|periodo|período|zeitraum|период|时间|日期|تاریخ)\s*[:：]/iu;
const SCORE = /(?:\b(?:c?gpa|grade|note|nota|moyenne|durchschnitt|abschlussnote|voto)|средний балл|成绩|平均分|معدل)\s*[:：]?\s*(\d{1,3}(?:[.,]\d{1,2})?(?:\s*\/\s*\d{1,3}(?:[.,]\d{1,2})?)?(?:\s*\([^()]{1,20}\))?)|(\d(?:[.,]\d{1,2})?(?:\s*\/\s*\d{1,2}(?:[.,]\d{1,2})?)?)\s*c?gpa\b/iu;

// "2 years 10 months", "4 mos": a duration the CV tool computed from the dates, not a header.
const DURATION = /^(?:\d{1,2}\s*(?:years?|yrs?|months?|mos?|jahre?|monate?|ans?|mois|años?|meses|anni|mesi|anos|лет|года?|месяц(?:а|ев)?|年|个月|سال|ماه)\s*){1,2}$/iu;

// Long titles are capitalised throughout ("Founding Member & Site Reliability Engineer & …"); sentences are not.
function longSentence(text: string): boolean {
  const words = text.split(' ').length;
  const lowerWords = text.split(' ').filter((word) => /^\p{Ll}/u.test(word) && !/^(?:and|of|the|for|in|at|de|du|des|la|le|und|für|y|e|di|da|do|и|в)$/u.test(word)).length;
  return words >= 14 || (words >= 7 && lowerWords >= 3);
}

const readsAsProse = (text: string) => longSentence(text) || endsSentence(text);

/** A cell that is a date or a period and nothing else ("Oct 2016 – Present"). */
function dateCell(cell: string): FoundDates | undefined {
  const dates = findDates(cell);
  if (dates === undefined) return undefined;
  const rest = squash(cell.slice(0, dates.index) + ' ' + cell.slice(dates.index + dates.length));
  return rest.split(' ').length <= 2 ? dates : undefined;
}

/** Sorts each line into a date line, a header line or body text, joining wrapped continuations. */
function sortLines(allLines: CvLine[]): SortedLine[] {
  // A duration the CV tool set in its own column ("uptime\t2 years 10 months") is dropped like a lone one.
  const lines = allLines
    .map((line) => (line.text.includes('\t') ? { ...line, text: line.text.split('\t').filter((cell) => !DURATION.test(cell.trim())).join('\t') } : line))
    .filter((line) => line.text.trim() !== '' && !DURATION.test(line.text));
  const texts = lines.map((line) => line.text);
  const width = fullWidth(texts);
  const counts = new Map<string, number>();
  for (const text of texts) {
    const { bullet } = splitBullet(text);
    if (bullet !== '') counts.set(bullet, (counts.get(bullet) ?? 0) + 1);
  }
  const highlightBullet = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const out: SortedLine[] = [];
  texts.forEach((raw, index) => {
    const { bullet, text: cellText } = splitBullet(raw);
    const text = squash(cellText);
    const previous = out[out.length - 1];
    // A bullet line with a place or a date in a column of its own names an entry ("• Google\tMountain
    // View, CA"), unless its text is a sentence: then the date beside it is its entry's ("• Built …\tJune 2023").
    const cells = cellText.split('\t');
    const left = squash(cells.slice(0, -1).join(' '));
    const right = cells.length > 1 ? (cells[cells.length - 1] ?? '') : '';
    const rightDates = right === '' ? undefined : dateCell(right);
    const tabEntry = bullet !== '' && left !== '' && (rightDates !== undefined || isLocation(right.trim()));
    if (tabEntry && readsAsProse(left)) {
      if (rightDates !== undefined) out.push({ kind: 'date', text: '', bulleted: false, dates: rightDates });
      out.push({ kind: 'body', text: left, bulleted: true });
      return;
    }
    const words = text.split(' ').length;
    const neighbourBullet = (at: number) => splitBullet(texts[at] ?? '').bullet;
    const headBullet =
      tabEntry ||
      (bullet !== '' &&
      words <= 8 &&
      !endsSentence(text) &&
      (bullet !== highlightBullet || (neighbourBullet(index + 1) !== bullet && neighbourBullet(index - 1) !== bullet && previous?.kind !== 'date')));
    if (bullet === '' && previous?.kind === 'body' && /^\p{Ll}/u.test(text) && continues(previous.text, text, width)) {
      previous.text += ` ${text}`;
      return;
    }
    if (bullet === '' || headBullet) {
      if (DATE_LABEL.test(cellText)) {
        const dates = findDates(cellText);
        out.push({ kind: 'date', text: dates ? squashCells(cellText.slice(0, dates.index) + cellText.slice(dates.index + dates.length)) : '', bulleted: false, ...(dates ? { dates } : {}) });
        return;
      }
      const dates = findDates(cellText);
      if (dates !== undefined) {
        const rest = squashCells(cellText.slice(0, dates.index) + ' ' + cellText.slice(dates.index + dates.length));
        const restWords = rest === '' ? 0 : rest.split(/[ \t]/).length;
        if (restWords <= (dates.range ? 14 : 8)) {
          out.push({ kind: 'date', text: rest, bulleted: false, dates });
          return;
        }
      }
    }
    // A capitalised line after a wrapped sentence continues it only when it reads as the end of a
    // sentence, not as the next entry's header ("DEF Organization").
    const sentenceTail =
      /^\p{Ll}/u.test(text) || (endsSentence(text) && !/[,，]/u.test(text)) || words >= 6 || splitBullet(texts[index + 1] ?? '').bullet === highlightBullet;
    if (bullet !== '' && !headBullet) {
      out.push({ kind: 'body', text, bulleted: true });
      return;
    }
    if (bullet === '' && !lines[index]?.blankBefore && previous?.kind === 'body' && sentenceTail && continues(previous.text, text, width, previous.bulleted)) {
      previous.text += ` ${text}`;
      return;
    }
    const listLike = /[,，]/u.test(text) && words <= 8;
    const prose = !headBullet && (longSentence(text) || (endsSentence(text) && !listLike));
    out.push({ kind: prose ? 'body' : 'head', text: prose ? text : squashCells(cellText), bulleted: false });
  });
  return out;
}

function takeScore(text: string, draft: EntryDraft): string {
  const match = SCORE.exec(text);
  if (!match) return text;
  draft.score ??= (match[1] ?? match[2] ?? '').trim();
  return squash(text.slice(0, match.index) + ' ' + text.slice(match.index + match[0].length));
}

const newDraft = (): EntryDraft => ({ before: [], anchor: [], after: [], bullets: [], prose: [] });

function piecesOf(line: SortedLine, index: number, draft: EntryDraft, inEducation: boolean): Piece[] {
  return splitPieces(inEducation ? takeScore(line.text, draft) : line.text, index, inEducation);
}

const PRIMARY = (inEducation: boolean) => (piece: Piece) => inEducation ? piece.role === 'school' : piece.role === 'org';

/** How badly a set of pieces fits one entry: roles given twice, roles missing. */
function misfit(pieces: Piece[], inEducation: boolean): number {
  const counts = new Map<string, number>();
  for (const piece of pieces) counts.set(piece.role, (counts.get(piece.role) ?? 0) + 1);
  let penalty = 0;
  for (const [role, count] of counts) if (role !== 'unknown' && count > 1) penalty += 2 * (count - 1);
  let unknown = counts.get('unknown') ?? 0;
  const needed = inEducation ? ['school'] : ['title', 'org'];
  for (const role of needed) {
    if ((counts.get(role) ?? 0) > 0 || (inEducation && (counts.get('org') ?? 0) > 0)) continue;
    if (unknown > 0) unknown -= 1;
    else penalty += 1;
  }
  return penalty + unknown * 0.5;
}

const allPieces = (draft: EntryDraft) => [...draft.before, ...draft.anchor, ...draft.after];

/** Groups a work or education section into entries around their dates. */
function draftEntries(lines: CvLine[], inEducation: boolean): EntryDraft[] {
  const tabbed = lines.map((line) => ({ text: line.tabbed ?? line.text, blankBefore: line.blankBefore }));
  const sorted = sortLines(joinSplitRanges(recutInlineBullets(tabbed)));
  const anchors = sorted.flatMap((line, index) => (line.kind === 'date' ? [index] : []));
  if (anchors.length === 0) return undatedEntries(sorted, inEducation);

  const drafts = anchors.map((at) => {
    const draft = newDraft();
    const line = sorted[at];
    if (line?.dates !== undefined) draft.dates = line.dates;
    if (line !== undefined) draft.anchor = piecesOf(line, at, draft, inEducation);
    return draft;
  });
  // Dates printed after their entry (RenderCV: "Company, Title / bullets / City / Jun 2023 – present"):
  // the first gap already holds a header and a body, so each date closes the lines before it.
  const firstBody = sorted.findIndex((line) => line.kind === 'body');
  if (firstBody >= 0 && firstBody < (anchors[0] ?? 0) && sorted[0]?.kind === 'head') return trailingDateEntries(sorted, anchors, drafts, inEducation);
  const undecided: { gap: number; heads: number[] }[] = [];
  for (let gap = 0; gap <= anchors.length; gap += 1) {
    const from = gap === 0 ? 0 : (anchors[gap - 1] ?? 0) + 1;
    const to = gap === anchors.length ? sorted.length : (anchors[gap] ?? 0);
    const indices = Array.from({ length: Math.max(0, to - from) }, (_, offset) => from + offset);
    const bodies = indices.filter((index) => sorted[index]?.kind === 'body');
    const previous = drafts[gap - 1];
    const next = drafts[gap];
    const add = (draft: EntryDraft | undefined, where: 'before' | 'after', index: number) => {
      const line = sorted[index];
      if (draft === undefined || line === undefined) return;
      draft[where].push(...piecesOf(line, index, draft, inEducation));
    };
    if (bodies.length === 0) {
      if (previous === undefined || next === undefined) indices.forEach((index) => add(next ?? previous, next ? 'before' : 'after', index));
      else undecided.push({ gap, heads: indices });
      continue;
    }
    const firstBody = bodies[0] ?? from;
    const lastBody = bodies[bodies.length - 1] ?? from;
    for (const index of indices) {
      const line = sorted[index];
      if (line === undefined) continue;
      if (index < firstBody) add(previous ?? next, previous ? 'after' : 'before', index);
      else if (index > lastBody) {
        if (next !== undefined) add(next, 'before', index);
        else previous?.prose.push(line.text);
      } else if (previous !== undefined) (line.bulleted ? previous.bullets : previous.prose).push(line.text);
    }
  }
  const dateFirst = (drafts[0]?.before.length ?? 0) === 0;
  for (const { gap, heads } of undecided) {
    const previous = drafts[gap - 1];
    const next = drafts[gap];
    if (previous === undefined || next === undefined) continue;
    const lines = heads.map((index) => {
      const line = sorted[index];
      return line === undefined ? [] : piecesOf(line, index, previous, inEducation);
    });
    let best = 0;
    let bestScore = Number.POSITIVE_INFINITY;
    for (let split = 0; split <= lines.length; split += 1) {
      const score = misfit([...allPieces(previous), ...lines.slice(0, split).flat()], inEducation) + misfit([...lines.slice(split).flat(), ...allPieces(next)], inEducation);
      if (score < bestScore || (score === bestScore && dateFirst)) {
        best = split;
        bestScore = score;
      }
    }
    previous.after.push(...lines.slice(0, best).flat());
    next.before.unshift(...lines.slice(best).flat());
  }
  return drafts.flatMap((draft) => separateMerged(draft, inEducation));
}

function trailingDateEntries(sorted: SortedLine[], anchors: number[], drafts: EntryDraft[], inEducation: boolean): EntryDraft[] {
  let from = 0;
  anchors.forEach((anchor, entry) => {
    const draft = drafts[entry];
    if (draft === undefined) return;
    let seenBody = false;
    for (let index = from; index < anchor; index += 1) {
      const line = sorted[index];
      if (line === undefined) continue;
      if (line.kind === 'body') {
        seenBody = true;
        (line.bulleted ? draft.bullets : draft.prose).push(line.text);
      } else draft[seenBody ? 'after' : 'before'].push(...piecesOf(line, index, draft, inEducation));
    }
    from = anchor + 1;
  });
  const last = drafts[drafts.length - 1];
  for (const line of sorted.slice(from)) last?.prose.push(line.text);
  return drafts;
}

/**
 * Two organisations above one date (columns read across: "• Georgia Tech / • Birla Institute /
 * Atlanta / Aug 2012 – Dec 2013") are two entries; the one without the date keeps no date.
 */
function separateMerged(draft: EntryDraft, inEducation: boolean): EntryDraft[] {
  const primary = PRIMARY(inEducation);
  const out: EntryDraft[] = [];
  let before = draft.before;
  for (;;) {
    const first = before.findIndex(primary);
    const second = before.findIndex((piece, index) => index > first && primary(piece) && piece.line !== before[first]?.line);
    if (first === -1 || second === -1) break;
    out.push({ ...newDraft(), before: before.slice(0, second) });
    before = before.slice(second);
  }
  out.push({ ...draft, before });
  return out;
}

/** Entries without dates: each header line naming a title, a company or a school starts one. */
function undatedEntries(sorted: SortedLine[], inEducation: boolean): EntryDraft[] {
  const drafts: EntryDraft[] = [];
  let current: EntryDraft | undefined;
  let lastKind: LineKind | undefined;
  // Header lines naming nothing we know ("Job Title 1") that open an entry: they belong to the entry
  // the next named line starts, not to the text of the one before.
  let pending: { line: SortedLine; pieces: Piece[] }[] = [];
  const flush = () => {
    for (const { line } of pending) current?.prose.push(line.text);
    pending = [];
  };
  sorted.forEach((line, index) => {
    if (line.kind !== 'body') {
      const pieces = piecesOf(line, index, current ?? newDraft(), inEducation);
      const named = pieces.some((piece) => piece.role !== 'unknown' && piece.role !== 'location');
      const opening = current === undefined || lastKind === 'body' || pending.length > 0;
      if (named && (opening || allPieces(current ?? newDraft()).some(PRIMARY(inEducation)))) {
        const held = pending.flatMap((one) => one.pieces);
        // Only when the entry needs them: a line naming title, company and place is whole already.
        const takes = held.length > 0 && misfit([...held, ...pieces], inEducation) < misfit(pieces, inEducation);
        if (takes) pending = [];
        else flush();
        current = { ...newDraft(), before: takes ? [...held, ...pieces] : pieces };
        drafts.push(current);
      } else if (current !== undefined && lastKind !== 'body' && named) current.before.push(...pieces);
      else if (opening && pieces.length > 0 && !line.bulleted && line.dates === undefined) pending.push({ line, pieces });
      else {
        flush();
        current?.prose.push(line.text);
      }
    } else {
      flush();
      if (current !== undefined) (line.bulleted ? current.bullets : current.prose).push(line.text);
    }
    lastKind = line.kind;
  });
  flush();
  return drafts;
}

/** Splits "Senior Software Developer ABC Tech Solutions" after its last title word. */
function splitGluedTitle(text: string): [string, string] | undefined {
  const end = titleEnd(text);
  if (end <= 0 || end >= text.length) return undefined;
  const rest = text.slice(end).trim();
  if (!/^\p{Lu}/u.test(rest) || /^(?:of|for|and|&|\()/iu.test(rest)) return undefined;
  return [text.slice(0, end).trim(), rest];
}

function body(draft: EntryDraft): { highlights?: string[]; summary?: string } {
  const prose = draft.prose.map(squash).filter((text) => text !== '');
  const bullets = draft.bullets.map(squash).filter((text) => text !== '');
  if (bullets.length === 0 && prose.length >= 2) return { highlights: prose };
  return {
    ...(bullets.length > 0 ? { highlights: bullets } : {}),
    ...(prose.length > 0 ? { summary: prose.join('\n') } : {}),
  };
}

function workEntry(draft: EntryDraft): ResumeWorkEntry | undefined {
  const pieces = allPieces(draft);
  const titles = pieces.filter((piece) => piece.role === 'title');
  const orgs = pieces.filter((piece) => piece.role === 'org' || piece.role === 'school');
  const unknowns = pieces.filter((piece) => piece.role === 'unknown' || piece.role === 'degree');
  let position = titles[0]?.text;
  let name = orgs[0]?.text;
  const [first, second] = unknowns;
  if (name === undefined && position === undefined && first !== undefined && second !== undefined && first.line === second.line) {
    position = first.text;
    name = second.text;
  } else {
    if (name === undefined && unknowns.length > 0) name = unknowns.shift()?.text;
    if (position === undefined && unknowns.length > 0) position = unknowns.shift()?.text;
  }
  if (name === undefined && position !== undefined) {
    const glued = splitGluedTitle(position);
    if (glued) [position, name] = glued;
  }
  if (name === undefined && position === undefined) return undefined;
  const places = pieces.filter((piece) => piece.role === 'location');
  // An entry has one place: of two place-looking pieces, the first names the employer ("R.O.K Cyber Command, MND").
  if (name === undefined && places.length >= 2) name = places.shift()?.text;
  const location = places[0]?.text;
  return {
    ...(name !== undefined ? { name } : {}),
    ...(position !== undefined ? { position } : {}),
    ...(location !== undefined ? { location } : {}),
    ...dateFields(draft.dates, false),
    ...body(draft),
  };
}

function dateFields(dates: FoundDates | undefined, inEducation: boolean): { startDate?: string; endDate?: string } {
  if (dates?.start === undefined) return {};
  if (!dates.range) return inEducation ? { endDate: dates.start } : { startDate: dates.start, endDate: dates.start };
  return { startDate: dates.start, ...(dates.end !== undefined && !dates.current ? { endDate: dates.end } : {}) };
}

const DEGREE_AREA = /^(.{2,80}?)\s+(?:in|en|em|im|di|по)\s+(.{2,120})$/u;

/** Cuts "Bachelor of Science in Computer Science University of Technology" before its school. */
function splitGluedSchool(text: string): [string, string] | undefined {
  const match = /(?:^|\s)((?:University|Université|Universidad|Università|Universidade|Universität|Institute|Institut|College|School|Academy|Hochschule|École|Escuela)\s+(?:of|de|di|do|da|für|del|degli|des)\s.+)$/u.exec(text);
  if (match && match.index > 0) return [text.slice(0, match.index).trim(), (match[1] ?? '').trim()];
  // "PhD Princeton University": a degree's short name, then the school's own name.
  const end = degreeEnd(text);
  const school = end > 0 ? text.slice(end).trim() : '';
  if (!/^\p{Lu}/u.test(school) || !hasSchoolWord(school)) return undefined;
  return [text.slice(0, end).trim(), school];
}

function educationEntry(draft: EntryDraft): ResumeEducationEntry | undefined {
  const pieces = allPieces(draft);
  const unknowns = pieces.filter((piece) => piece.role === 'unknown' || piece.role === 'title');
  let degree = pieces.find((piece) => piece.role === 'degree')?.text;
  let institution = (pieces.find((piece) => piece.role === 'school') ?? pieces.find((piece) => piece.role === 'org'))?.text;
  if (institution === undefined && degree !== undefined && hasSchoolWord(degree)) {
    const glued = splitGluedSchool(degree);
    if (glued) [degree, institution] = glued;
  }
  if (institution === undefined && unknowns.length > 0) institution = unknowns.shift()?.text;
  let studyType = degree;
  let area: string | undefined;
  const split = degree === undefined ? null : DEGREE_AREA.exec(degree);
  if (split) {
    studyType = split[1];
    area = split[2];
  } else if (degree !== undefined && unknowns.length > 0 && !hasTitleWord(unknowns[0]?.text ?? '')) area = unknowns.shift()?.text;
  if (institution === undefined && studyType === undefined) return undefined;
  // JSON Resume's education has no place for a location or bullets; the raw text keeps them.
  return {
    ...(institution !== undefined ? { institution } : {}),
    ...(studyType !== undefined ? { studyType } : {}),
    ...(area !== undefined ? { area } : {}),
    ...(draft.score !== undefined && draft.score !== '' ? { score: draft.score } : {}),
    ...dateFields(draft.dates, true),
  };
}

/** Reads a work (or volunteering) section into JSON Resume work entries. */
export function parseWork(lines: CvLine[]): ResumeWorkEntry[] {
  return draftEntries(lines, false).flatMap((draft) => workEntry(draft) ?? []);
}

/** Reads an education section into JSON Resume education entries. */
export function parseEducation(lines: CvLine[]): ResumeEducationEntry[] {
  return draftEntries(lines, true).flatMap((draft) => educationEntry(draft) ?? []);
}
