import type { JsonResume } from '../../resume/json-resume.js';
import type { ChangeReasons, ResumeChange } from './improver.js';

// What an improvement changed, for the person to review. List items are matched by who they are,
// not where they stand: the same text, the same employer or school with the same dates, the same
// skill name; then a reworded text by the words it shares. So a reordered list reads as items
// moved, not as items removed and added again. Paths point into the improved CV; a removed item's
// path points into the CV before.

const MAX_CHANGES = 500;
// Reworded items share at least this much of their words (Dice coefficient on rough word stems).
const SAME_ITEM_SIMILARITY = 0.5;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The changes from `before` to `after`, section by section in the improved CV's order, then by path; at most 500. */
export function describeChanges(before: JsonResume, after: JsonResume, reasons: ChangeReasons): ResumeChange[] {
  const changes = new ChangeList(reasons);
  const beforeRecord = before as Record<string, Json | undefined>;
  const afterRecord = after as Record<string, Json | undefined>;
  const sections = sectionOrder(before, after);

  const common = Object.keys(after).filter((key) => key in beforeRecord);
  const beforeOrder = Object.keys(before).filter((key) => key in afterRecord);
  const stay = stableItems(
    common.map((key) => beforeOrder.indexOf(key)),
    common.map((key) => mentionsMove(reasons[`/${key}`])),
  );
  common.forEach((key, index) => {
    if (stay.has(index)) return;
    const from = beforeOrder.indexOf(key);
    changes.add({ section: key, path: `/${key}`, kind: 'moved', before: key, after: key }, `Section moved from position ${from + 1} to ${index + 1}`);
  });

  for (const section of sections) {
    diffValue(changes, section, `/${section}`, beforeRecord[section], afterRecord[section]);
  }
  return changes.sorted(sections);
}

function sectionOrder(before: JsonResume, after: JsonResume): string[] {
  const keys = Object.keys(after);
  for (const key of Object.keys(before)) if (!keys.includes(key)) keys.push(key);
  return keys;
}

class ChangeList {
  private readonly items: ResumeChange[] = [];

  constructor(private readonly reasons: ChangeReasons) {}

  /** The improver's reason for a path: a move it names ("Moved up: …") is the one reported as moved. */
  reasonFor(path: string): string | undefined {
    return this.reasons[path];
  }

  add(change: Omit<ResumeChange, 'reason'>, fallbackReason: string): void {
    // A CV within the schema's bounds cannot make many more; this only stops runaway input.
    if (this.items.length >= MAX_CHANGES * 10) return;
    const given = this.reasonFor(change.path);
    // A path's reason may be about something else (a prompt to add a number): a move is then explained by its positions.
    const fits = given !== undefined && (change.kind !== 'moved' || mentionsMove(given));
    this.items.push({ ...change, reason: fits ? given : fallbackReason });
  }

  sorted(sections: readonly string[]): ResumeChange[] {
    const rank = new Map(sections.map((section, index) => [section, index]));
    return this.items
      .map((change, index) => ({ change, index }))
      .sort((a, b) => (rank.get(a.change.section) ?? 0) - (rank.get(b.change.section) ?? 0) || comparePaths(a.change.path, b.change.path) || a.index - b.index)
      .slice(0, MAX_CHANGES)
      .map(({ change }) => change);
  }
}

/** Orders JSON pointers segment by segment, list indices as numbers (/work/2 before /work/10). */
function comparePaths(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const x = left[index] ?? '';
    const y = right[index] ?? '';
    if (x === y) continue;
    const bothNumbers = /^\d+$/.test(x) && /^\d+$/.test(y);
    return bothNumbers ? Number(x) - Number(y) : x < y ? -1 : 1;
  }
  return left.length - right.length;
}

function diffValue(changes: ChangeList, section: string, path: string, before: Json | undefined, after: Json | undefined): void {
  if (before === undefined && after === undefined) return;
  if (before === undefined) {
    changes.add({ section, path, kind: 'added', before: null, after: describe(section, after) }, 'Added');
    return;
  }
  if (after === undefined) {
    changes.add({ section, path, kind: 'removed', before: describe(section, before), after: null }, 'Removed');
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    diffList(changes, section, path, before, after);
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = Object.keys(after);
    for (const key of Object.keys(before)) if (!keys.includes(key)) keys.push(key);
    for (const key of keys) diffValue(changes, section, `${path}/${escapePointer(key)}`, before[key], after[key]);
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    changes.add({ section, path, kind: 'changed', before: describe(section, before), after: describe(section, after) }, 'Reworded');
  }
}

function diffList(changes: ChangeList, section: string, path: string, before: Json[], after: Json[]): void {
  const textList = before.every((item) => typeof item === 'string') && after.every((item) => typeof item === 'string');
  const pairs = matchItems(before, after, textList ? (item) => (typeof item === 'string' ? item : JSON.stringify(item)) : (item) => identityOf(section, item), (item) => describe(section, item));
  const afterIndices = [...pairs.keys()].sort((a, b) => a - b);
  const stay = stableItems(
    afterIndices.map((index) => pairs.get(index) ?? 0),
    afterIndices.map((index) => mentionsMove(changes.reasonFor(`${path}/${index}`))),
  );
  const matchedBefore = new Set(pairs.values());

  afterIndices.forEach((afterIndex, order) => {
    const beforeIndex = pairs.get(afterIndex) ?? 0;
    const itemPath = `${path}/${afterIndex}`;
    const moved = !stay.has(order);
    const was = before[beforeIndex];
    const now = after[afterIndex];
    const position = `from position ${beforeIndex + 1} to ${afterIndex + 1}`;
    if (typeof was === 'string' && typeof now === 'string') {
      if (was !== now) {
        changes.add({ section, path: itemPath, kind: 'changed', before: was, after: now }, moved ? `Reworded and moved ${position}` : 'Reworded');
      } else if (moved) {
        changes.add({ section, path: itemPath, kind: 'moved', before: was, after: now }, `Moved ${position}`);
      }
      return;
    }
    if (moved) changes.add({ section, path: itemPath, kind: 'moved', before: describe(section, was), after: describe(section, now) }, `Moved ${position}`);
    diffValue(changes, section, itemPath, was, now);
  });
  before.forEach((item, index) => {
    if (!matchedBefore.has(index)) changes.add({ section, path: `${path}/${index}`, kind: 'removed', before: describe(section, item), after: null }, 'Removed');
  });
  after.forEach((item, index) => {
    if (!pairs.has(index)) changes.add({ section, path: `${path}/${index}`, kind: 'added', before: null, after: describe(section, item) }, 'Added');
  });
}

function mentionsMove(reason: string | undefined): boolean {
  return reason !== undefined && /\b(?:moved?|reorder(?:ed)?|order|first|forward|up)\b/i.test(reason);
}

/**
 * Which items kept their place: the longest run of items still in their old relative order (the
 * rest moved). Among runs of equal length, the one that leaves as moved the items whose reason
 * names a move, then the items that went up. `sequence` holds each item's old index, in the new order.
 */
function stableItems(sequence: readonly number[], named: readonly boolean[]): Set<number> {
  const count = sequence.length;
  // Length first, then fewer named moves among the items kept in place, then fewer items that went up.
  const weight = (index: number) => 1000 + (named[index] === true ? 0 : 2) + ((sequence[index] ?? 0) > index ? 0 : 1);
  const best = new Array<number>(count).fill(0);
  const previous = new Array<number>(count).fill(-1);
  let end = -1;
  for (let index = 0; index < count; index += 1) {
    best[index] = weight(index);
    for (let earlier = 0; earlier < index; earlier += 1) {
      if ((sequence[earlier] ?? 0) < (sequence[index] ?? 0) && (best[earlier] ?? 0) + weight(index) > (best[index] ?? 0)) {
        best[index] = (best[earlier] ?? 0) + weight(index);
        previous[index] = earlier;
      }
    }
    if (end === -1 || (best[index] ?? 0) > (best[end] ?? 0)) end = index;
  }
  const stay = new Set<number>();
  for (let index = end; index !== -1; index = previous[index] ?? -1) stay.add(index);
  return stay;
}

/** Pairs of after-index → before-index: first by identity, then reworded items by shared words. */
function matchItems(before: readonly Json[], after: readonly Json[], identity: (item: Json) => string, text: (item: Json) => string): Map<number, number> {
  const pairs = new Map<number, number>();
  const waiting = new Map<string, number[]>();
  before.forEach((item, index) => {
    const key = identity(item);
    waiting.set(key, [...(waiting.get(key) ?? []), index]);
  });
  after.forEach((item, index) => {
    const queue = waiting.get(identity(item));
    const match = queue?.shift();
    if (match !== undefined) pairs.set(index, match);
  });

  const matched = new Set(pairs.values());
  const leftBefore = before.map((_, index) => index).filter((index) => !matched.has(index));
  if (leftBefore.length === 0) return pairs;
  const stemsBefore = new Map(leftBefore.map((index) => [index, stems(text(before[index] ?? null))]));
  after.forEach((item, index) => {
    if (pairs.has(index)) return;
    const mine = stems(text(item));
    let bestIndex = -1;
    let bestScore = SAME_ITEM_SIMILARITY;
    for (const candidate of leftBefore) {
      if (matched.has(candidate)) continue;
      const score = dice(mine, stemsBefore.get(candidate) ?? new Set());
      if (score >= bestScore && (bestIndex === -1 || score > bestScore)) {
        bestIndex = candidate;
        bestScore = score;
      }
    }
    if (bestIndex !== -1) {
      pairs.set(index, bestIndex);
      matched.add(bestIndex);
    }
  });
  return pairs;
}

function stems(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return new Set(words.map((word) => (word.length > 4 ? word.replace(/(?:ing|ed|es|s|e)$/, '') : word)));
}

function dice(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(item: Json | undefined, key: string): string {
  if (!isObject(item)) return '';
  const value = item[key];
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

/** Who an entry is: the employer or school with its dates, a skill's or project's name… */
function identityOf(section: string, item: Json): string {
  if (!isObject(item)) return JSON.stringify(item);
  const of = (...keys: string[]) => keys.map((key) => field(item, key)).join('|');
  switch (section) {
    case 'work':
      return of('name', 'startDate', 'endDate');
    case 'volunteer':
      return of('organization', 'startDate', 'endDate');
    case 'education':
      return of('institution', 'startDate', 'endDate');
    case 'awards':
      return of('title', 'date');
    case 'certificates':
      return of('name', 'date');
    case 'languages':
      return of('language');
    case 'basics':
      return of('network', 'username', 'url');
    default: {
      const named = of('name');
      return named !== '' ? named : JSON.stringify(item);
    }
  }
}

/** A short text for an item: a string as it is, an entry by what names it. */
function describe(section: string, item: Json | undefined): string {
  if (item === undefined || item === null) return '';
  if (typeof item === 'string') return item;
  if (typeof item !== 'object') return String(item);
  if (Array.isArray(item)) return item.map((entry) => describe(section, entry)).join(', ');
  const text = (key: string) => (typeof item[key] === 'string' ? item[key] : '');
  const dates = [text('startDate'), text('endDate')].filter((date) => date !== '').join(' – ');
  const named = [text('position'), text('studyType'), text('area'), text('name'), text('organization'), text('institution'), text('title'), text('language'), text('network'), text('username')]
    .filter((part) => part !== '')
    .join(' — ');
  const label = [named, dates === '' ? '' : `(${dates})`].filter((part) => part !== '').join(' ');
  return label !== '' ? label : JSON.stringify(item).slice(0, 200);
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
