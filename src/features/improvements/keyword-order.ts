// The job's keywords a CV already shows, brought forward: items that mention one move before the
// items that do not, each group keeping its order. Nothing is added and nothing is reworded.

// Bounds on what the analysis hands over, so matching stays cheap on any input.
const MAX_KEYWORDS = 200;
const MAX_KEYWORD_LENGTH = 100;

/** Finds which of the job's keywords a text mentions, as whole words ("Java" is not in "JavaScript"). */
export interface KeywordMatcher {
  /** The keywords the text mentions, in the order they were given, as given. */
  mentioned(text: string): string[];
}

const WORD_CHARACTER = /[\p{L}\p{N}]/u;

function isWordCharacter(character: string | undefined): boolean {
  return character !== undefined && WORD_CHARACTER.test(character);
}

// "C" is not mentioned by "C++" nor "C#": a symbol that extends a name counts as part of it.
function extendsName(character: string | undefined): boolean {
  return isWordCharacter(character) || character === '+' || character === '#';
}

function mentions(lowerText: string, lowerKeyword: string): boolean {
  for (let at = lowerText.indexOf(lowerKeyword); at !== -1; at = lowerText.indexOf(lowerKeyword, at + 1)) {
    const before = lowerText[at - 1];
    const after = lowerText[at + lowerKeyword.length];
    const endsInWord = isWordCharacter(lowerKeyword.at(-1));
    if (!isWordCharacter(before) && !(endsInWord ? extendsName(after) : isWordCharacter(after))) return true;
  }
  return false;
}

/** A matcher for the keywords (trimmed, duplicates and empty ones dropped, bounded in number and length). */
export function keywordMatcher(keywords: readonly string[]): KeywordMatcher {
  const seen = new Set<string>();
  const wanted: { keyword: string; lower: string }[] = [];
  for (const raw of keywords) {
    const keyword = raw.trim().replace(/\s+/g, ' ');
    const lower = keyword.toLowerCase();
    if (keyword === '' || keyword.length > MAX_KEYWORD_LENGTH || seen.has(lower)) continue;
    seen.add(lower);
    wanted.push({ keyword, lower });
    if (wanted.length >= MAX_KEYWORDS) break;
  }
  return {
    mentioned(text) {
      if (wanted.length === 0) return [];
      const lowerText = text.replace(/\s+/g, ' ').toLowerCase();
      return wanted.filter(({ lower }) => mentions(lowerText, lower)).map(({ keyword }) => keyword);
    },
  };
}

/** Where each item goes when the items that mention a keyword come first: the old indices in their new order. */
export function keywordsFirstOrder(mentionCounts: readonly number[]): number[] {
  const indices = mentionCounts.map((_, index) => index);
  return [...indices.filter((index) => (mentionCounts[index] ?? 0) > 0), ...indices.filter((index) => (mentionCounts[index] ?? 0) === 0)];
}

/** "Python", "Python and SQL", "Python, SQL and AWS" (at most three named). */
export function listOfKeywords(keywords: readonly string[]): string {
  const named = keywords.slice(0, 3);
  if (named.length <= 1) return named[0] ?? '';
  return `${named.slice(0, -1).join(', ')} and ${named.at(-1) ?? ''}`;
}
