import { findDates, startsWithDate, startsWithPresent } from './dates.js';
import { squash, type CvLine } from './text.js';

const BULLET = /^(?:[•‣▪◦●○■□►▸➢➤→✓✔◆◇·⁃∙]|[-*–—](?=\s)|\(?\d{1,2}[.)](?=\s)|[a-z]\)(?=\s))\s*/u;
const INLINE_BULLET = /\s[•‣▪◦●■►▸➢➤◆]\s/u;

/** The bullet a line starts with ('' when none) and the text after it. */
export function splitBullet(text: string): { bullet: string; text: string } {
  const match = BULLET.exec(text);
  if (!match) return { bullet: '', text };
  const bullet = /^\(?\d/.test(match[0]) ? '1.' : match[0].trim();
  return { bullet, text: text.slice(match[0].length) };
}

/** Ends like a sentence (not like "Inc." or "Co."). */
export function endsSentence(text: string): boolean {
  if (!/[.!?。！？;؛]$/u.test(text)) return false;
  return (
    !/(?:^|\s|\()(?:inc|ltd|corp|co|llc|jr|sr|st|dept|univ|bros|no|vol|etc)\.$/iu.test(text) &&
    !/(?:^|\s)\p{Lu}\.$/u.test(text) &&
    !/(?:\p{L}{1,2}\.){2,}$/u.test(text)
  );
}

/** A length most full lines of the block reach: lines much shorter ended a paragraph. */
export function fullWidth(lines: string[]): number {
  const lengths = lines.map((line) => line.length).filter((length) => length >= 30).sort((a, b) => a - b);
  if (lengths.length === 0) return Number.POSITIVE_INFINITY;
  return lengths[Math.floor(lengths.length * 0.5)] ?? Number.POSITIVE_INFINITY;
}

const DANGLING_WORD = /(?:[,(&/+-]|(?<![\p{L}])(?:and|or|of|the|a|an|to|in|on|at|by|as|for|from|with|into|via|using|including|such as|und|oder|der|die|das|mit|für|et|ou|de|du|des|le|la|les|y|o|e|el|los|las|con|para|di|il|per|и|в|на|с|по))$/iu;

/**
 * Whether `line` continues `previous` (a wrapped bullet or sentence) rather than starting something
 * new: it starts in lower case, or `previous` stops on a comma or a word that cannot end a sentence,
 * or (`byWidth`, for wrapped bullets) `previous` filled the line and did not end a sentence.
 */
export function continues(previous: string, line: string, width: number, byWidth = true): boolean {
  if (splitBullet(line).bullet !== '') return false;
  if (DANGLING_WORD.test(previous)) return true;
  if (/^[\p{Ll}]/u.test(line)) return true;
  if (/^\(/u.test(line)) return !endsSentence(previous);
  return byWidth && !endsSentence(previous) && previous.length >= width * 0.85;
}

/**
 * Text whose line breaks were lost (pandoc's LaTeX: "… USA January 2020 - Present • Led a team …
 * • Designed …") is re-cut: lines are joined into paragraphs (a line well short of the full width
 * ends one) and each paragraph is split at its inline bullets.
 */
export function recutInlineBullets(lines: CvLine[]): CvLine[] {
  const inline = lines.filter((line) => INLINE_BULLET.test(` ${line.text} `) && !/^[•‣▪◦●■►▸➢➤◆]/u.test(line.text)).length;
  if (inline < 2) return lines;
  const width = fullWidth(lines.map((line) => line.text));
  const paragraphs: CvLine[] = [];
  let current: CvLine | undefined;
  for (const line of lines) {
    if (current === undefined) current = { ...line };
    else current.text += ` ${line.text}`;
    if (line.text.length < width * 0.8) {
      paragraphs.push(current);
      current = undefined;
    }
  }
  if (current !== undefined) paragraphs.push(current);
  const out: CvLine[] = [];
  for (const paragraph of paragraphs) {
    const pieces = paragraph.text.split(/\s(?=[•‣▪◦●■►▸➢➤◆]\s)/u);
    pieces.forEach((piece, index) => out.push({ text: piece.trim(), blankBefore: index === 0 ? paragraph.blankBefore : false }));
  }
  return out.filter((line) => line.text !== '');
}

/** A range split over two lines in a left date column ("2017 –" … "Present Leading teams …") made whole. */
export function joinSplitRanges(lines: CvLine[]): CvLine[] {
  const out = lines.map((line) => ({ ...line }));
  for (let i = 0; i + 1 < out.length; i += 1) {
    const line = out[i];
    const next = out[i + 1];
    // Only a line that opens with a date can be the first half ("2017 –", "Sept. 2018 –").
    if (line === undefined || next === undefined || !/^[\p{L}.]{0,12}\s?[\d\u06f0-\u06f9\u0660-\u0669]/u.test(line.text)) continue;
    const found = findDates(line.text);
    if (found === undefined || found.range || found.index !== 0) continue;
    const dash = /^\s*[-–—]\s*/u.exec(line.text.slice(found.length));
    if (!dash) continue;
    const tail = startsWithPresent(next.text) || startsWithDate(next.text);
    if (tail === 0) continue;
    const rest = line.text.slice(found.length + dash[0].length);
    line.text = squash(`${line.text.slice(0, found.length)} – ${next.text.slice(0, tail)} ${rest}`);
    next.text = next.text.slice(tail).trim();
  }
  return out.filter((line) => line.text !== '');
}
