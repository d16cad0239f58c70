import { describe, expect, it } from 'vitest';
import { recallTokens, wordRecall } from './word-recall.js';

describe('recallTokens', () => {
  it('splits on anything that is not a letter or digit, after NFKC and case folding', () => {
    expect(recallTokens('Scikit-Learn, e-mail: JOHN.doe@x.io ﬁxed')).toEqual(['scikit', 'learn', 'e', 'mail', 'john', 'doe', 'x', 'io', 'fixed']);
  });

  it('counts every Han, kana and Hangul character as a word of its own', () => {
    expect(recallTokens('教育背景 2010年 カタカナ 한국어')).toEqual(['教', '育', '背', '景', '2010', '年', 'カ', 'タ', 'カ', 'ナ', '한', '국', '어']);
  });

  it('keeps accented letters and combining marks inside their word and reads Arabic presentation forms as letters', () => {
    expect(recallTokens('Cóuntry Åddrésş')).toEqual(['cóuntry', 'åddrésş']);
    expect(recallTokens('\uFEDB\uFE98\uFE8E\uFE8F')).toEqual(['كتاب']);
  });

  it('ignores zero-width non-joiners, so a Persian word reads the same with or without them', () => {
    expect(recallTokens('می\u200Cخواهم')).toEqual(recallTokens('میخواهم'));
  });
});

describe('wordRecall', () => {
  it('is the share of reference words found, each occurrence counted', () => {
    const result = wordRecall('the cat and the dog', 'the cat and a dog');
    expect(result.words).toBe(5);
    expect(result.recall).toBeCloseTo(4 / 5);
    expect(result.missing).toEqual(['the']);
  });

  it('does not care about order or extra words', () => {
    expect(wordRecall('alpha beta gamma', 'gamma noise beta alpha more').recall).toBe(1);
  });

  it('lists missing CJK characters one by one', () => {
    const result = wordRecall('工作背景', '工作');
    expect(result.recall).toBeCloseTo(0.5);
    expect(result.missing).toEqual(['背', '景']);
  });

  it('gives 1 for an empty reference and 0 for an empty extraction', () => {
    expect(wordRecall('', 'anything')).toEqual({ recall: 1, words: 0, missing: [] });
    expect(wordRecall('one two', '').recall).toBe(0);
  });
});
