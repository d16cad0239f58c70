import type { Static } from 'typebox';
import type { ResumeBasics } from '../json-resume.js';
import { findContacts, isContactLine } from './contacts.js';
import { findDates } from './dates.js';
import { runInHeading, sectionOfHeading } from './headings.js';
import { hasTitleWord, isLocation } from './roles.js';
import type { CvLine } from './text.js';

type Basics = Static<typeof ResumeBasics>;

const DOCUMENT_WORDS = /^(?:curriculum vitae|cv|resume|résumé|lebenslauf|currículum|curriculum|резюме|简历|個人簡歷|个人简历|رزومه|السيرة الذاتية)$/iu;
const CJK = /^[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}·・ ]{2,12}$/u;

/** Whether a line reads as a person's name: two to five capitalised words (or a short CJK/RTL name). */
function looksLikeName(text: string): boolean {
  const line = text.trim();
  if (line.length > 60 || /[\d@:/|•,;()]/u.test(line)) return false;
  if (DOCUMENT_WORDS.test(line) || sectionOfHeading(line) !== undefined || hasTitleWord(line)) return false;
  if (CJK.test(line)) return line.replace(/\s/g, '').length <= 6;
  if (line.length < 3) return false;
  const words = line.split(/\s+/);
  if (words.length < 1 || words.length > 5) return false;
  if (/^[\p{Script=Arabic}\p{Script=Hebrew}\u200c ]+$/u.test(line)) return words.length >= 2 && words.length <= 4;
  if (words.length < 2) return false;
  return words.every((word) => /^(?:\p{Lu}[\p{L}'’.-]*|(?:van|von|de|da|del|der|den|di|du|la|le|bin|al|el|y|e|dos|das)|\p{Lu}\.)$/u.test(word));
}

/** The name at the head of a line that lost its breaks ("John Doe 123 Main Street, …"). */
function namePrefix(line: string): string | undefined {
  const words = line.split(/\s+/);
  const taken: string[] = [];
  for (const word of words) {
    if (!/^\p{Lu}[\p{Ll}'’.-]+$/u.test(word) || taken.length === 4) break;
    taken.push(word);
  }
  for (let count = taken.length; count >= 2; count -= 1) {
    const candidate = taken.slice(0, count).join(' ');
    if (looksLikeName(candidate)) return candidate;
  }
  return undefined;
}

// "Name: Anna Schmidt" in a personal-data block (German and Russian CVs often start that way).
const NAME_LABEL = /^(?:name|full name|nom|nom complet|nombre|nome|имя|фио|姓名|نام|الاسم)\s*[:：]\s*(.+)$/iu;

const LOCATION_LABEL = /^(?:location|address|adresse|anschrift|wohnort|dirección|direccion|indirizzo|endereço|endereco|адрес|地址|آدرس|العنوان)\s*[:：]\s*(.+)$/iu;

function location(line: string): Basics['location'] | undefined {
  const labelled = LOCATION_LABEL.exec(line)?.[1]?.trim();
  const text = labelled ?? (isLocation(line) && !/\d/.test(line) ? line : undefined);
  if (text === undefined || text.length > 200) return undefined;
  const parts = text.split(/\s*,\s*/);
  return parts.length >= 2 && !/\d/.test(text)
    ? { address: text, city: parts[0] ?? '', region: parts.slice(1).join(', ') }
    : { address: text };
}

/**
 * Reads the person's block: name, a title line under it, contact data and the place they live.
 * The name is searched in the lines before the first heading (or the first ten lines when that
 * block is empty), skipping paragraphs, contact lines, dates and job titles. Contact data missing
 * from that block is looked for in `rawLines`, every line of the text (labelled phones only).
 */
export function parseBasics(header: CvLine[], allLines: CvLine[], rawLines: string[]): Basics {
  const block = (header.length > 0 ? header : allLines).slice(0, 25).map((line) => line.text);
  const basics: Basics = {};
  let nameAt = block.findIndex((line) => looksLikeName(line) && !isContactLine(line) && findDates(line) === undefined);
  const labelled = allLines.slice(0, 40).map((line) => NAME_LABEL.exec(line.text)?.[1]?.trim()).find((name) => name !== undefined && looksLikeName(name));
  if (nameAt >= 0) basics.name = block[nameAt];
  else if (labelled !== undefined) basics.name = labelled;
  else {
    const first = allLines[0]?.text ?? '';
    const prefix = runInHeading(first) === undefined ? namePrefix(first) : undefined;
    if (prefix !== undefined) {
      basics.name = prefix;
      nameAt = 0;
    }
  }
  const next = nameAt >= 0 ? block[nameAt + 1] : undefined;
  if (
    next !== undefined &&
    next.split(/\s+/).length <= 12 &&
    !/[.!?]$/.test(next) &&
    !isContactLine(next) &&
    location(next) === undefined &&
    findDates(next) === undefined &&
    !/\d{3,}/.test(next)
  ) {
    basics.label = next;
  }

  const contacts = findContacts(block);
  // Page headers and footers were dropped from the lines, but moderncv prints the contact block there.
  const anywhere = contacts.email === undefined || contacts.phone === undefined ? findContacts(rawLines, false) : contacts;
  const email = contacts.email ?? anywhere.email;
  const phone = contacts.phone ?? anywhere.phone;
  if (email !== undefined) basics.email = email;
  if (phone !== undefined) basics.phone = phone;
  if (contacts.url !== undefined) basics.url = contacts.url;
  if (contacts.profiles.length > 0) basics.profiles = contacts.profiles;

  for (const line of block) {
    if (line === basics.name || line === basics.label) continue;
    const place = location(line);
    if (place !== undefined) {
      basics.location = place;
      break;
    }
  }
  return basics;
}
