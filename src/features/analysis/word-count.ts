// Chinese and Japanese write without spaces: about two characters make a word of an English text.
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;

/** About how many words a text has, counting unspaced scripts at two characters a word. */
export function countWords(text: string): number {
  let unspaced = 0;
  const rest = text.replace(UNSPACED_SCRIPT, () => {
    unspaced++;
    return ' ';
  });
  const spaced = rest.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
  return spaced + Math.round(unspaced / 2);
}
