/** How much of a reference text an extraction kept. */
export interface WordRecall {
  /** Share of the reference's tokens found in the extraction (1 when the reference has none). */
  recall: number;
  /** Tokens in the reference. */
  words: number;
  /** Reference tokens not found, once per missing occurrence, in reference order. */
  missing: string[];
}

/** Scripts written without spaces: each character counts as a word of its own. */
const unspacedCharacter = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/** Letters (with their combining marks) and digits in a run; joiners keep Persian words whole. */
const tokenPattern = /[\p{L}\p{N}][\p{L}\p{M}\p{N}\u200c\u200d]*/gu;

/** Splits text into comparable tokens: letter and digit runs after NFKC and case folding, CJK characters one by one. */
export function recallTokens(text: string): string[] {
  const folded = text.normalize('NFKC').toLowerCase().replace(/[\u200c\u200d]/gu, '');
  const tokens: string[] = [];
  for (const match of folded.matchAll(tokenPattern)) {
    let run = '';
    for (const char of match[0]) {
      if (unspacedCharacter.test(char)) {
        if (run !== '') tokens.push(run);
        tokens.push(char);
        run = '';
      } else {
        run += char;
      }
    }
    if (run !== '') tokens.push(run);
  }
  return tokens;
}

/** Multiset recall of the reference's words in the extracted text (a word twice in the reference must be there twice). */
export function wordRecall(reference: string, extracted: string): WordRecall {
  const available = new Map<string, number>();
  for (const token of recallTokens(extracted)) available.set(token, (available.get(token) ?? 0) + 1);
  const wanted = recallTokens(reference);
  const missing: string[] = [];
  for (const token of wanted) {
    const left = available.get(token) ?? 0;
    if (left > 0) available.set(token, left - 1);
    else missing.push(token);
  }
  return { recall: wanted.length === 0 ? 1 : (wanted.length - missing.length) / wanted.length, words: wanted.length, missing };
}
