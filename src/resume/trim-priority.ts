import type { JsonResume } from './json-resume.js';

// What of a CV goes first when it must be shorter (a text limit, a page budget): one ranking for
// every reader that trims. Lowest tier first; within a tier, the oldest entries (last in their list)
// and their last lines first. Children always go before what holds them.

/** The tiers, lowest first: what may be left out earliest. */
export const TRIM_TIER = {
  laterHighlights: 1, // a role's fourth highlight and beyond
  references: 2,
  interests: 3,
  publicationsAndAwards: 4,
  secondHighlights: 5, // a role's second and third highlights
  details: 6, // first highlights, summaries, descriptions, course lists, project keywords
  entries: 7, // whole entries: volunteering, projects, certificates, languages, older roles and schools
  essentials: 8, // the summary, the latest role, the first school, the first skill line
} as const;

/** One piece of a CV that can be left out on its own: an entry, one of its lines, or a list item. */
export interface TrimPiece {
  /** JSON pointer into the CV, e.g. `/work/3/highlights/4`. */
  path: string;
  /** The top-level key it belongs to (`basics` for the summary). */
  section: string;
  /** Lower goes first. */
  rank: number;
  /** In the `essentials` tier: what a shortened CV keeps to the end. */
  essential: boolean;
  /** The pointer of the entry that holds it, for an entry's lines. */
  parent?: string;
}

// Ties within a tier: volunteering before projects before schools before roles.
const SECTION_WEIGHT: Record<string, number> = { volunteer: 0, projects: 1, education: 2, work: 3 };

const LIST_TIERS: Record<string, number> = {
  references: TRIM_TIER.references,
  interests: TRIM_TIER.interests,
  publications: TRIM_TIER.publicationsAndAwards,
  awards: TRIM_TIER.publicationsAndAwards,
  certificates: TRIM_TIER.entries,
  languages: TRIM_TIER.entries,
  skills: TRIM_TIER.entries,
};

// The fields a list item is shown by: an item with none of them holds nothing to show.
const LIST_FIELDS: Record<string, readonly string[]> = {
  skills: ['name', 'keywords'],
  languages: ['language', 'fluency'],
  certificates: ['name', 'issuer', 'url', 'date'],
  awards: ['title', 'awarder', 'date', 'summary'],
  publications: ['name', 'publisher', 'url', 'releaseDate', 'summary'],
  interests: ['name', 'keywords'],
  references: ['name', 'reference'],
};

const ROLE_SECTIONS = new Set(['work', 'volunteer']);

function rankIn(tier: number, section: string, age: number, order: number): number {
  return tier * 1_000_000 + (SECTION_WEIGHT[section] ?? 0) * 200_000 + age * 1000 + order;
}

function present(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function hasText(value: unknown): boolean {
  return Array.isArray(value) ? value.some(present) : present(value);
}

/** Every piece of the CV that may be left out, in the CV's own order (sort by `rank` for the trimming order). */
export function trimPieces(resume: JsonResume): TrimPiece[] {
  const pieces: TrimPiece[] = [];
  const add = (path: string, section: string, tier: number, rank: number, parent?: string) => {
    pieces.push({ path, section, rank, essential: tier === TRIM_TIER.essentials, ...(parent === undefined ? {} : { parent }) });
  };
  if (present(resume.basics?.summary)) add('/basics/summary', 'basics', TRIM_TIER.essentials, rankIn(TRIM_TIER.essentials, 'basics', 0, 0));
  const record = resume as Record<string, unknown>;
  for (const section of Object.keys(resume)) {
    const items = record[section];
    if (!Array.isArray(items) || items.length === 0) continue;
    if (ROLE_SECTIONS.has(section) || section === 'education' || section === 'projects') addEntries(section, items as Record<string, unknown>[]);
    else if (LIST_FIELDS[section] !== undefined) addListItems(section, items as Record<string, unknown>[]);
  }
  return pieces;

  function addEntries(section: string, entries: Record<string, unknown>[]): void {
    // The latest role and the first school are what a short CV keeps; other entries may go whole.
    const essentialIndex = section === 'work' || section === 'education' ? 0 : undefined;
    entries.forEach((entry, index) => {
      const essential = index === essentialIndex;
      const age = entries.length - 1 - index;
      const path = `/${section}/${index}`;
      const entryTier = essential ? TRIM_TIER.essentials : TRIM_TIER.entries;
      const entryRank = rankIn(entryTier, section, age, 999);
      add(path, section, entryTier, entryRank);
      const lines = entryLines(section, entry, essential);
      lines.forEach((line, offset) => {
        const rank = Math.min(rankIn(line.tier, section, age, lines.length - 1 - offset), entryRank - 1);
        add(`${path}/${line.key}`, section, line.tier, rank, path);
      });
    });
  }

  function addListItems(section: string, items: Record<string, unknown>[]): void {
    const fields = LIST_FIELDS[section] ?? [];
    const shown = items.map((item, index) => ({ item, index })).filter(({ item }) => fields.some((field) => hasText(item[field])));
    const tier = LIST_TIERS[section] ?? TRIM_TIER.entries;
    shown.forEach(({ index }, position) => {
      // The first skill line is essential; otherwise the last items go first.
      const itemTier = section === 'skills' && position === 0 ? TRIM_TIER.essentials : tier;
      add(`/${section}/${index}`, section, itemTier, rankIn(itemTier, section, shown.length - 1 - position, 999));
    });
  }
}

interface EntryLine {
  /** The pointer below the entry: `summary`, `highlights/2`… */
  key: string;
  tier: number;
}

/** An entry's lines in the order they are written. */
function entryLines(section: string, entry: Record<string, unknown>, essential: boolean): EntryLine[] {
  const detail = essential ? TRIM_TIER.essentials : TRIM_TIER.details;
  const lines: EntryLine[] = [];
  if (ROLE_SECTIONS.has(section)) {
    if (present(entry.description)) lines.push({ key: 'description', tier: detail });
    if (present(entry.summary)) lines.push({ key: 'summary', tier: detail });
    lines.push(...highlightLines(entry.highlights, essential));
  } else if (section === 'education') {
    if (hasText(entry.courses)) lines.push({ key: 'courses', tier: TRIM_TIER.details });
  } else if (section === 'projects') {
    if (present(entry.description)) lines.push({ key: 'description', tier: TRIM_TIER.details });
    lines.push(...highlightLines(entry.highlights, false));
    if (hasText(entry.keywords)) lines.push({ key: 'keywords', tier: TRIM_TIER.details });
  }
  return lines;
}

function highlightLines(highlights: unknown, essential: boolean): EntryLine[] {
  if (!Array.isArray(highlights)) return [];
  return highlights
    .map((highlight: unknown, index) => ({ highlight, index }))
    .filter(({ highlight }) => present(highlight))
    .map(({ index }, position) => ({ key: `highlights/${index}`, tier: highlightTier(position, essential) }));
}

function highlightTier(position: number, essential: boolean): number {
  if (position >= 3) return TRIM_TIER.laterHighlights;
  if (position >= 1) return TRIM_TIER.secondHighlights;
  return essential ? TRIM_TIER.essentials : TRIM_TIER.details;
}
