import { knownVerbs } from './verb-forms.js';

// Cheap facts about English text that the rewriting rules need: whether a CV is written in English
// (the rules only know English), whether a bullet already carries a number, and whether the word
// after a verb looks like the start of its object.

// Function words and CV words that are English and rarely words of other languages written in the
// Latin script (so not "a", "in", "on", "die", "see"…).
const ENGLISH_WORDS = new Set(
  `the and of to for with from by at an is are was were this that these those which who our their its
  using including through across over into within while such also than more most customer customers
  development management experience skills projects responsible developed managed worked led built designed
  implemented created improved increased reduced years university business new day week month`.split(/\s+/),
);

// Past and -ing forms of the verbs bullets start with are English by their ending.
const ENGLISH_VERB_FORMS = new Set(knownVerbs().flatMap((verb) => [verb.past, verb.gerund]));

// A CV counts as English when at least this share of its words are the common English words and
// verb forms above: the English fixture CVs sit between 12 and 31 %, text in other languages near 0
// (a German CV with one English bullet stays below).
const ENGLISH_SHARE = 0.08;
// Beyond this many words the share is already clear; counting more only costs time.
const SAMPLE_WORDS = 1500;

/** Whether the texts read as English: mostly Latin script, with enough common English words among its words. */
export function looksEnglish(texts: Iterable<string>): boolean {
  let words = 0;
  let english = 0;
  let latinLetters = 0;
  let otherLetters = 0;
  for (const text of texts) {
    for (const run of text.match(/[^\P{L}\p{Script=Latin}]+/gu) ?? []) otherLetters += run.length;
    for (const word of text.match(/[A-Za-z\u00C0-\u024F]+(?:['’][a-z]+)?/g) ?? []) {
      words += 1;
      latinLetters += word.length;
      const lower = word.toLowerCase();
      if (ENGLISH_WORDS.has(lower) || ENGLISH_VERB_FORMS.has(lower)) english += 1;
    }
    if (words >= SAMPLE_WORDS) break;
  }
  if (words === 0 || otherLetters > latinLetters) return false;
  return english / words >= ENGLISH_SHARE;
}

const NUMBER_WORDS =
  /\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|twice|double|doubled|tripled|half|percent|single)\b/i;

/** Whether a bullet states a quantity: a digit, or a number written as a word (five, dozens, twice…). */
export function hasNumber(text: string): boolean {
  return /\p{Nd}/u.test(text) || NUMBER_WORDS.test(text);
}

// Words that start a verb's object: after them a word like "Lead" or "Design" is surely a verb.
const OBJECT_STARTS = new Set(
  `a an the this that these those my our their his her its your all both each every several multiple many
  various numerous new existing key critical complex large small daily weekly monthly quarterly annual internal
  external global local company-wide cross-functional end-to-end over more up`.split(/\s+/),
);

/** Whether a word (as written in a bullet) starts the object of a verb before it. */
export function startsObject(word: string | undefined): boolean {
  if (word === undefined) return false;
  return OBJECT_STARTS.has(word.toLowerCase()) || /^[$€£]?\p{Nd}/u.test(word) || NUMBER_WORDS.test(word);
}
