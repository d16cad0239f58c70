import type { JsonResume } from '../../resume/json-resume.js';
import { trimPieces } from '../../resume/trim-priority.js';

// The improved CV as Markdown, the text an improvement answers with. Sections follow the CV's own
// key order (the improver set it for the person's seniority). Everything the person wrote is
// escaped, so it prints as written and a renderer never finds a link, an HTML tag or a heading in it.
// Over the size limit, the least useful text goes first, whole lines at a time, in the order
// `trimPieces` ranks them.

const DEFAULT_MAX_CHARS = 10_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const HEADINGS: Record<string, string> = {
  work: 'Experience',
  volunteer: 'Volunteering',
  education: 'Education',
  projects: 'Projects',
  skills: 'Skills',
  certificates: 'Certificates',
  awards: 'Awards',
  publications: 'Publications',
  languages: 'Languages',
  interests: 'Interests',
  references: 'References',
};

/** The CV as safe Markdown of at most `maxChars` characters (10 000 unless given). */
export function resumeAsMarkdown(resume: JsonResume, options: { maxChars?: number } = {}): string {
  const requested = options.maxChars ?? DEFAULT_MAX_CHARS;
  const maxChars = Number.isNaN(requested) ? DEFAULT_MAX_CHARS : Math.max(0, Math.floor(requested));
  const document = new MarkdownDocument(new Map(trimPieces(resume).map((piece) => [piece.path, piece.rank])));
  writeHeader(document, resume);
  for (const key of Object.keys(resume)) writeSection(document, resume, key);
  return document.render(maxChars);
}

interface Block {
  text: string;
  /** When it may be left out (lower first); undefined: only with its parent, or never at the top. */
  rank: number | undefined;
  parent: Block | undefined;
  children: Block[];
  /** A heading that has no meaning once its children are gone. */
  vanishesWithChildren: boolean;
  dropped: boolean;
}

class MarkdownDocument {
  private readonly blocks: Block[] = [];

  /** `ranks`: each piece's place in the trimming order, by its JSON pointer into the CV. */
  constructor(private readonly ranks: ReadonlyMap<string, number>) {}

  /** A block of text; `path` names the piece of the CV it shows, which gives its rank. */
  add(text: string, options: { parent?: Block; path?: string; vanishesWithChildren?: boolean } = {}): Block {
    const block: Block = {
      text,
      rank: options.path === undefined ? undefined : this.ranks.get(options.path),
      parent: options.parent,
      children: [],
      vanishesWithChildren: options.vanishesWithChildren ?? false,
      dropped: false,
    };
    options.parent?.children.push(block);
    this.blocks.push(block);
    return block;
  }

  /** The document within `maxChars`: lowest ranks left out first, then what fits put back, most important first. */
  render(maxChars: number): string {
    let total = this.blocks.reduce((sum, block) => sum + block.text.length, 0);
    const drop = (block: Block) => {
      if (block.dropped) return;
      block.dropped = true;
      total -= block.text.length;
      for (const child of block.children) drop(child);
      const parent = block.parent;
      if (parent?.vanishesWithChildren === true && parent.children.every((child) => child.dropped)) drop(parent);
    };
    for (const block of this.blocks) if (block.vanishesWithChildren && block.children.length === 0) drop(block);
    const ranked = this.blocks.filter((block) => block.rank !== undefined).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
    const left: Block[] = [];
    for (const block of ranked) {
      if (total <= maxChars) break;
      if (block.dropped) continue;
      drop(block);
      left.push(block);
    }
    // Leaving out a long block may have freed room for shorter, less important ones. Within one
    // parent, lines come back in rank order only, so a list never has a gap where a bullet was.
    const closed = new Set<Block | undefined>();
    for (const block of left.reverse()) {
      const parent = block.parent;
      if (closed.has(parent) || (parent?.dropped === true && !parent.vanishesWithChildren)) continue;
      const cost = block.text.length + (parent?.dropped === true ? parent.text.length : 0);
      if (total + cost > maxChars) {
        closed.add(parent);
        continue;
      }
      if (parent?.dropped === true) parent.dropped = false;
      block.dropped = false;
      total += cost;
    }
    const text = this.blocks
      .filter((block) => !block.dropped)
      .map((block) => block.text)
      .join('');
    return cutAtWord(text, maxChars);
  }
}

/** The text cut to at most `maxChars` at the last line break or space, for what no dropping could shorten. */
function cutAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = text.slice(0, maxChars);
  const lineEnd = head.lastIndexOf('\n');
  const space = head.search(/\s\S*$/);
  const at = lineEnd >= maxChars / 2 ? lineEnd : space > 0 ? space : maxChars;
  let cut = text.slice(0, at).trimEnd();
  // Never leave half an escape or half a surrogate pair at the end.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  if (/(?<!\\)(?:\\\\)*\\$/.test(cut)) cut = cut.slice(0, -1);
  return cut;
}

// --- Escaping -------------------------------------------------------------------------------

// Characters that start Markdown or HTML anywhere in a line: emphasis, code, links, tags, entities,
// headings' closing marks, tables, strikethrough.
const INLINE_SPECIAL = /[\\`*_[\]<>#|~&]/g;

/** The person's text as one line of Markdown that prints literally, inside a line or at its start. */
export function escapeMarkdown(text: string): string {
  return atLineStart(inline(text));
}

/** The person's text, escaped for the inside of a line (its start may still need `atLineStart`). */
function inline(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(INLINE_SPECIAL, '\\$&');
}

// At the start of a line these make a list, a quote, a heading or a rule; escaped they are text.
function atLineStart(line: string): string {
  return line.replace(/^([-+=])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A multi-line text of the person's, as paragraphs whose every line is escaped. */
function escapeParagraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) =>
      paragraph
        .split('\n')
        .map(escapeMarkdown)
        .filter((line) => line !== '')
        .join('\n'),
    )
    .filter((paragraph) => paragraph !== '')
    .join('\n\n');
}

// --- Dates ----------------------------------------------------------------------------------

/** "2020-03" → "Mar 2020", "2020" → "2020"; other text as written (escaped). */
export function formatResumeDate(date: string): string {
  const match = /^(\d{4})(?:-(\d{2})(?:-\d{2})?)?$/.exec(date.trim());
  if (match === null) return inline(date);
  const month = match[2] === undefined ? undefined : MONTHS[Number(match[2]) - 1];
  return month === undefined ? (match[1] ?? '') : `${month} ${match[1] ?? ''}`;
}

function isOpenEnd(date: string | undefined): boolean {
  return date === undefined || date.trim() === '' || /^(?:present|current|now|today|ongoing)$/i.test(date.trim());
}

function dateRange(start: string | undefined, end: string | undefined): string {
  const from = start !== undefined && start.trim() !== '' ? formatResumeDate(start) : '';
  const to = isOpenEnd(end) ? '' : formatResumeDate(end ?? '');
  if (from !== '' && to !== '') return from === to ? from : `${from} – ${to}`;
  if (from !== '') return `${from} – Present`;
  return to;
}

// --- Sections -------------------------------------------------------------------------------

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function joined(parts: (string | undefined)[], separator: string): string {
  return parts.filter(present).map(inline).join(separator);
}

function writeHeader(document: MarkdownDocument, resume: JsonResume): void {
  const basics = resume.basics ?? {};
  const location = basics.location ?? {};
  const place = present(location.city) ? joined([location.city, location.region, location.countryCode], ', ') : joined([location.address, location.countryCode], ', ');
  const profiles = (basics.profiles ?? []).map((profile) => {
    const where = inline(profile.url ?? profile.username ?? '');
    return present(profile.network) ? `${inline(profile.network)}: ${where}` : where;
  });
  const contact = [joined([basics.email], ''), joined([basics.phone], ''), joined([basics.url], ''), place, ...profiles].filter((part) => part !== '').join(' · ');
  let header = `# ${present(basics.name) ? inline(basics.name) : 'Curriculum vitae'}\n`;
  if (present(basics.label)) header += `\n${escapeMarkdown(basics.label)}\n`;
  if (contact !== '') header += `\n${atLineStart(contact)}\n`;
  document.add(header);
  if (present(basics.summary)) {
    const heading = document.add('\n## Summary\n', { vanishesWithChildren: true });
    document.add(`\n${escapeParagraphs(basics.summary)}\n`, { parent: heading, path: '/basics/summary' });
  }
}

function writeSection(document: MarkdownDocument, resume: JsonResume, key: string): void {
  const title = HEADINGS[key];
  const items = (resume as Record<string, unknown>)[key];
  if (title === undefined || !Array.isArray(items) || items.length === 0) return;
  const heading = document.add(`\n## ${title}\n`, { vanishesWithChildren: true });
  switch (key) {
    case 'work':
    case 'volunteer':
      writeRoles(document, heading, key, resume[key] ?? []);
      break;
    case 'education':
      writeEducation(document, heading, resume.education ?? []);
      break;
    case 'projects':
      writeProjects(document, heading, resume.projects ?? []);
      break;
    default:
      writeListSection(document, heading, key, resume);
  }
}

interface RoleLike {
  name?: string;
  organization?: string;
  position?: string;
  location?: string;
  url?: string;
  startDate?: string;
  endDate?: string;
  summary?: string;
  description?: string;
  highlights?: string[];
}

interface Line {
  text: string;
  /** Below the entry's pointer: `summary`, `highlights/2`… */
  key: string;
}

/**
 * Entries with a heading line and lines under it, each ranked by its pointer (`trimPieces`): the
 * oldest entry (last in its list) loses its last lines first; an entry's lines go before the entry.
 */
function writeEntries<T>(document: MarkdownDocument, heading: Block, section: string, entries: readonly T[], linesOf: (entry: T) => [string, ...Line[]]): void {
  entries.forEach((entry, index) => {
    const [first, ...rest] = linesOf(entry);
    const path = `/${section}/${index}`;
    const block = document.add(first, { parent: heading, path });
    for (const line of rest) document.add(line.text, { parent: block, path: `${path}/${line.key}` });
  });
}

function writeRoles(document: MarkdownDocument, heading: Block, key: 'work' | 'volunteer', roles: readonly RoleLike[]): void {
  const isWork = key === 'work';
  writeEntries(document, heading, key, roles, (role) => {
    const employer = isWork ? role.name : role.organization;
    const title = joined([role.position, employer], ' — ');
    const meta = [dateRange(role.startDate, role.endDate), joined([role.location], ''), joined([role.url], '')].filter((part) => part !== '').join(' | ');
    const lines: [string, ...Line[]] = [`\n### ${title === '' ? 'Role' : title}\n${meta === '' ? '' : `\n${atLineStart(meta)}\n`}`];
    if (present(role.description)) lines.push({ text: `\n${escapeParagraphs(role.description)}\n`, key: 'description' });
    if (present(role.summary)) lines.push({ text: `\n${escapeParagraphs(role.summary)}\n`, key: 'summary' });
    lines.push(...bulletLines(role.highlights));
    return lines;
  });
}

function bulletLines(highlights: readonly string[] | undefined): Line[] {
  return (highlights ?? [])
    .map((highlight, index) => ({ highlight, index }))
    .filter(({ highlight }) => present(highlight))
    .map(({ highlight, index }, position) => ({
      // The list starts after a blank line; the first bullet is the last of its list to go.
      text: `${position === 0 ? '\n' : ''}- ${escapeMarkdown(highlight)}\n`,
      key: `highlights/${index}`,
    }));
}

function writeEducation(document: MarkdownDocument, heading: Block, schools: NonNullable<JsonResume['education']>): void {
  writeEntries(document, heading, 'education', schools, (school) => {
    const degree = present(school.studyType) && present(school.area) ? `${inline(school.studyType)} in ${inline(school.area)}` : joined([school.studyType, school.area], '');
    const title = [degree, joined([school.institution], '')].filter((part) => part !== '').join(' — ');
    const meta = [dateRange(school.startDate, school.endDate), present(school.score) ? `Score: ${inline(school.score)}` : '', joined([school.url], '')]
      .filter((part) => part !== '')
      .join(' | ');
    const lines: [string, ...Line[]] = [`\n### ${title === '' ? 'Education' : title}\n${meta === '' ? '' : `\n${atLineStart(meta)}\n`}`];
    const courses = (school.courses ?? []).filter(present);
    if (courses.length > 0) lines.push({ text: `\nCourses: ${courses.map(inline).join(', ')}\n`, key: 'courses' });
    return lines;
  });
}

function writeProjects(document: MarkdownDocument, heading: Block, projects: NonNullable<JsonResume['projects']>): void {
  writeEntries(document, heading, 'projects', projects, (project) => {
    const meta = [dateRange(project.startDate, project.endDate), joined(project.roles ?? [], ', '), joined([project.entity], ''), joined([project.url], '')]
      .filter((part) => part !== '')
      .join(' | ');
    const lines: [string, ...Line[]] = [`\n### ${present(project.name) ? inline(project.name) : 'Project'}\n${meta === '' ? '' : `\n${atLineStart(meta)}\n`}`];
    if (present(project.description)) lines.push({ text: `\n${escapeParagraphs(project.description)}\n`, key: 'description' });
    lines.push(...bulletLines(project.highlights));
    const keywords = (project.keywords ?? []).filter(present);
    if (keywords.length > 0) lines.push({ text: `\nKeywords: ${keywords.map(inline).join(', ')}\n`, key: 'keywords' });
    return lines;
  });
}

/** One bullet per item: skills, languages, certificates, awards, publications, interests, references. */
function writeListSection(document: MarkdownDocument, heading: Block, key: string, resume: JsonResume): void {
  const lines = listLines(key, resume)
    .map((line, index) => ({ line, path: `/${key}/${index}` }))
    .filter(({ line }) => line !== '');
  lines.forEach(({ line, path }, position) => {
    document.add(`${position === 0 ? '\n' : ''}- ${atLineStart(line)}\n`, { parent: heading, path });
  });
}

function listLines(key: string, resume: JsonResume): string[] {
  const withDate = (text: string, date: string | undefined) => [text, present(date) ? formatResumeDate(date) : ''].filter((part) => part !== '').join(', ');
  const withSummary = (text: string, summary: string | undefined) => (present(summary) ? `${text}: ${inline(summary)}` : text);
  switch (key) {
    case 'skills':
      return (resume.skills ?? []).map((skill) => {
        const name = present(skill.name) ? `**${inline(skill.name)}**${present(skill.level) ? ` (${inline(skill.level)})` : ''}` : '';
        const keywords = (skill.keywords ?? []).filter(present).map(inline).join(', ');
        return name !== '' && keywords !== '' ? `${name}: ${keywords}` : name + keywords;
      });
    case 'languages':
      return (resume.languages ?? []).map((language) => joined([language.language, language.fluency], ': '));
    case 'certificates':
      return (resume.certificates ?? []).map((certificate) => withDate(joined([certificate.name, certificate.issuer, certificate.url], ', '), certificate.date));
    case 'awards':
      return (resume.awards ?? []).map((award) => withSummary(withDate(joined([award.title, award.awarder], ', '), award.date), award.summary));
    case 'publications':
      return (resume.publications ?? []).map((publication) =>
        withSummary(withDate(joined([publication.name, publication.publisher, publication.url], ', '), publication.releaseDate), publication.summary),
      );
    case 'interests':
      return (resume.interests ?? []).map((interest) => {
        const keywords = (interest.keywords ?? []).filter(present).map(inline).join(', ');
        const name = joined([interest.name], '');
        return name !== '' && keywords !== '' ? `${name}: ${keywords}` : name + keywords;
      });
    case 'references':
      return (resume.references ?? []).map((reference) => withSummary(joined([reference.name], ''), reference.reference));
    default:
      return [];
  }
}
