import type { JsonResume } from '../../resume/json-resume.js';
import { parseResume, type CvWarning, type ParsedCv } from '../../resume/parse-resume.js';
import { sectionOfHeading, type SectionKey } from '../../resume/parse/headings.js';

// A CV written in Markdown (ours from `resumeAsMarkdown`, or what a language model writes) read into
// the structured CV: the Markdown becomes the plain lines the CV parser reads, and its structure says
// what plain text cannot: the first top heading is the name, and every heading ends a section.

// What no CV text needs: HTML is dropped, never interpreted; scripts and styles with their content.
const HTML_TAG = /<(script|style)\b[^>]*>[\s\S]*?(?:<\/\1\s*>|$)|<\/?[a-z][^<>]*>|<!--[\s\S]*?(?:-->|$)/gi;
const HTML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
// A heading the parser does not know still closes the section before it; this one is known and mapped to nothing.
const UNMAPPED_HEADING = 'ADDITIONAL INFORMATION';

/** Reads a Markdown CV into JSON Resume; the warnings are the parser's, and `html_removed` when HTML was left out. */
export function resumeFromMarkdown(markdown: string): ParsedCv {
  const { text, name, removedHtml, roleTitles } = markdownAsText(markdown);
  const parsed = parseResume(text);
  const resume: JsonResume = parsed.resume;
  if (name !== undefined && name !== '' && resume.basics?.name !== name) resume.basics = { ...resume.basics, name };
  applyRoleTitles(resume, roleTitles);
  const warnings: CvWarning[] = [...parsed.warnings];
  if (removedHtml) warnings.push({ code: 'html_removed', message: 'HTML in the Markdown was left out; only its text was read.' });
  return { resume, warnings };
}

interface PlainCv {
  text: string;
  /** The first top-level heading before any section: the person's name. */
  name: string | undefined;
  removedHtml: boolean;
  /** The entry headings ("### Position — Employer") of the roles' sections, in order. */
  roleTitles: { section: 'work' | 'volunteer'; title: string }[];
}

// "Position — Employer", "Position at Employer", "Position | Employer", "Position, Employer".
const ROLE_TITLE = /^(.+?)\s+(?:[—–|@]|-{1,2}|at)\s+(.+)$|^([^,]+),\s+([^,]+)$/u;

/**
 * A role's heading names its title and employer; the parser, reading plain lines, may take the line
 * under the dates (a description) for the employer. When the roles line up with their headings, the
 * heading's employer wins and the line it displaced becomes the description.
 */
function applyRoleTitles(resume: JsonResume, titles: PlainCv['roleTitles']): void {
  for (const section of ['work', 'volunteer'] as const) {
    const headings = titles.filter((title) => title.section === section);
    const roles = resume[section] ?? [];
    if (headings.length !== roles.length) continue;
    roles.forEach((role, index) => {
      const match = ROLE_TITLE.exec(headings[index]?.title ?? '');
      const position = (match?.[1] ?? match?.[3])?.trim();
      const employer = (match?.[2] ?? match?.[4])?.trim();
      if (position === undefined || employer === undefined || role.position !== position) return;
      const entry = role as Record<string, unknown>;
      const key = section === 'work' ? 'name' : 'organization';
      const current = entry[key];
      if (current === employer) return;
      if (typeof current === 'string' && current !== '' && entry.description === undefined && section === 'work') entry.description = current;
      entry[key] = employer;
    });
  }
}

/** The Markdown as the plain lines of a CV: headings alone on their lines, bullets as "• ", inline marks gone. */
function markdownAsText(markdown: string): PlainCv {
  const withoutHtml = markdown.replace(/\r\n?/g, '\n').replace(HTML_TAG, '');
  const removedHtml = withoutHtml !== markdown.replace(/\r\n?/g, '\n');
  const lines: string[] = [];
  let name: string | undefined;
  let inHeader = true;
  let fence = false;
  let section: SectionKey | undefined;
  const roleTitles: PlainCv['roleTitles'] = [];
  for (const raw of withoutHtml.split('\n')) {
    if (/^\s*(?:```|~~~)/.test(raw)) {
      fence = !fence;
      continue;
    }
    // A code block holds text as written: no marks to read in it.
    if (fence) {
      lines.push(unescape(raw.trim()));
      continue;
    }
    const line = raw.replace(/^\s{0,3}>\s?/, '').trimEnd();
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (heading !== null) {
      const level = heading[1]?.length ?? 1;
      const text = inline(heading[2] ?? '', inHeader);
      if (level === 1 && inHeader && name === undefined && sectionOfHeading(text) === undefined) {
        name = text;
        lines.push(text);
        continue;
      }
      lines.push('');
      if (level <= 2 || sectionOfHeading(text) !== undefined) {
        inHeader = false;
        section = sectionOfHeading(text);
        lines.push(section === undefined ? UNMAPPED_HEADING : text.toUpperCase());
      } else {
        if (section === 'work' || section === 'volunteer') roleTitles.push({ section, title: text });
        lines.push(text);
      }
      continue;
    }
    // Rules and table separators are layout; they read as a pause.
    if (/^\s{0,3}(?:[-*_]\s*){3,}$/.test(line) || /^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(line)) {
      lines.push('');
      continue;
    }
    const bullet = /^\s*(?:[-*+]|\d{1,3}[.)])\s+(.*)$/.exec(line);
    if (bullet !== null) {
      lines.push(`• ${inline(bullet[1] ?? '', inHeader)}`);
      continue;
    }
    const cells = /^\s*\|(.*)\|\s*$/.exec(line);
    if (cells !== null) {
      lines.push(inline((cells[1] ?? '').split(/(?<!\\)\|/).map((cell) => cell.trim()).filter((cell) => cell !== '').join(' · '), inHeader));
      continue;
    }
    const plain = inline(line.trim(), inHeader);
    // In the contact line a profile reads "LinkedIn: https://…"; its address alone names the network.
    lines.push(inHeader ? plain.replace(/(?<=^|[·|]\s?)[^·|:]{2,30}:\s+(?=https?:\/\/)/gu, '') : plain);
  }
  return { text: lines.join('\n'), name, removedHtml, roleTitles };
}

/**
 * One line's text without Markdown's inline marks. A link keeps its text; in the header, where a
 * contact line stands, an address the text does not show is kept beside it (mail and phone links give
 * their address).
 */
function inline(text: string, inHeader: boolean): string {
  return unescape(
    text
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g, (_, label: string, url: string) => linkText(label, url, inHeader))
      .replace(/<((?:https?:\/\/|mailto:)[^>\s]+)>/g, (_, url: string) => url.replace(/^mailto:/, ''))
      .replace(/(?<![\\\w])(\*\*|__)(?=\S)([\s\S]*?\S)\1(?!\w)/g, '$2')
      .replace(/(?<![\\\w*])([*_])(?=\S)([^*_]*?\S)\1(?![\w*])/g, '$2')
      .replace(/(?<!\\)~~(?=\S)([\s\S]*?\S)~~/g, '$1')
      .replace(/(?<!\\)`+([^`]*)`+/g, '$1')
      .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, entity: string) => HTML_ENTITIES[entity] ?? ''),
  );
}

function linkText(label: string, url: string, inHeader: boolean): string {
  const address = url.replace(/^(?:mailto|tel):/i, '');
  if (label.trim() === '') return address;
  if (!inHeader || address === '' || address.startsWith('#')) return label;
  const bare = (value: string) => value.replace(/^https?:\/\/(?:www\.)?/i, '').replace(/\/$/, '').toLowerCase();
  return bare(label) === bare(address) || /^(?:mailto|tel):/i.test(url) ? label : `${label}: ${address}`;
}

/** Markdown's backslash escapes read as the characters they stand for. */
function unescape(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}
