import { classifyPiece, hasOrgWord, isLocation, type PieceRole } from './roles.js';

/** A piece of an entry's header ("Product Manager", "Google", "Mountain View, CA") and what it names. */
export interface Piece {
  text: string;
  role: PieceRole;
  /** Which header line it came from, to tell one line "Title, Company" from two lines. */
  line: number;
}

const LEGAL_FORM = /^(?:inc|ltd|llc|llp|plc|gmbh|ag|corp|co|s\.?a|sas|sarl|s\.?l|srl|s\.?p\.?a|ltda|bv|nv|pty)\.?(?:\s|$)/iu;
const SEPARATORS = /\s+(?:at|@|chez|bei|en|presso|em|в)\s+|\s+[|–—]\s+|\s+-\s+|\s*[,;，；|،؛]\s*/u;

/** Strips the debris a removed date leaves around a piece ("Date:", "Graduated:", a lone comma). */
function cleanPiece(text: string): string {
  return text
    .replace(/^[\s,;:|·•–—-]+|[\s,;:|·•–—-]+$/gu, '')
    .replace(/^(?:dates?|period|graduated|graduation|expected|zeitraum|période|periodo|período|период|时间|日期|تاریخ)\s*[:：]?\s*/iu, '')
    .replace(/\s*(?:dates?|period|graduated|graduation|expected|zeitraum|période|periodo|período|период|时间|日期|تاریخ)\s*[:：]?$/iu, '')
    .replace(/^[\s,;:|·•–—-]+|[\s,;:|·•–—-]+$/gu, '')
    // What a CJK date leaves behind ("年 – 年 职位" once the digits are missing or taken).
    .replace(/^(?:[年月日至今]\s*)+(?=\s|$)/u, '')
    .trim()
    .replace(/(?<!\b(?:[Ii]nc|INC|[Ll]td|LTD|[Cc]orp|CORP|[Cc]o|CO|[Ll]lc|LLC|\p{Lu}))\.$/u, '')
    .trim();
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Chinese and Japanese put no spaces between words, so a space in a CJK header separates fields
 * ("阿里巴巴集团 高级工程师"); single characters spaced out by the PDF ("职 位") stay together.
 */
function splitCjkWords(part: string): string[] {
  if (!CJK.test(part) || !/\s/.test(part)) return [part];
  const words = part.split(/\s+/);
  if (words.some((word) => !CJK.test(word)) || words.filter((word) => word.length === 1).length > 0) return [part];
  return words;
}

/**
 * Cuts one header line into pieces at its separators ("Title, Company, City, ST", "Title at Company",
 * "Company | Title"), keeping a legal form with its company ("Omnious. Co., Ltd.") and a trailing
 * run of place names together ("Mountain View, CA, USA").
 */
export function splitPieces(text: string, line: number, inEducation: boolean): Piece[] {
  // A wide gap ends a field: what stands right of it is the place (or what a removed date left),
  // and no field runs across it.
  const cells = text.split('\t').filter((cell) => cell.trim() !== '');
  if (cells.length > 1) {
    const last = cleanPiece(cells[cells.length - 1] ?? '');
    const place: Piece[] = isLocation(last) ? [{ text: last, role: 'location', line }] : [];
    const fields = place.length > 0 ? cells.slice(0, -1) : cells;
    return [...fields.flatMap((cell) => splitPieces(cell, line, inEducation)), ...place];
  }
  const raw = text
    .split(SEPARATORS)
    .flatMap(splitCjkWords)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const parts: string[] = [];
  for (const part of raw) {
    if (parts.length > 0 && LEGAL_FORM.test(part) && part.length <= 8) parts[parts.length - 1] += `, ${part}`;
    else parts.push(part);
  }
  // "Title, Company, City, ST": the part after a title is the company, however much it looks like a place.
  const roles = parts.map((part) => classifyPiece(cleanPiece(part), inEducation));
  const reserved = roles[0] === 'title' && !hasOrgWord(parts[0] ?? '') && !roles.some((role) => role === 'org' || role === 'school') ? 2 : 1;
  let locationFrom = parts.length;
  for (let start = Math.max(reserved, parts.length - 4); start <= parts.length - 2; start += 1) {
    if (isLocation(parts.slice(start).join(', '))) {
      locationFrom = start;
      break;
    }
  }
  const pieces: Piece[] = parts.slice(0, locationFrom).map((part) => ({ text: cleanPiece(part), role: classifyPiece(cleanPiece(part), inEducation), line }));
  if (locationFrom < parts.length) pieces.push({ text: cleanPiece(parts.slice(locationFrom).join(', ')), role: 'location', line });
  // A whole line that reads as a place ("Seoul, S.Korea") is one piece, not two unknown ones.
  if (pieces.length > 1 && isLocation(cleanPiece(text))) return [{ text: cleanPiece(text), role: 'location', line }];
  return pieces.filter((piece) => piece.text !== '');
}
