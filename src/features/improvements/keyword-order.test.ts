import { describe, expect, it } from 'vitest';
import { hasNumber, looksEnglish } from './english-text.js';
import { keywordMatcher, keywordsFirstOrder, listOfKeywords } from './keyword-order.js';

describe('keywordMatcher', () => {
  it('finds whole keywords in any case, symbols included', () => {
    const matcher = keywordMatcher(['Java', 'C++', 'Node.js', 'CI/CD', 'machine learning', 'C']);
    expect(matcher.mentioned('Built REST APIs in java and node.js')).toEqual(['Java', 'Node.js']);
    expect(matcher.mentioned('Wrote JavaScript and C# tools')).toEqual([]);
    expect(matcher.mentioned('Ported C++ code; set up CI/CD')).toEqual(['C++', 'CI/CD']);
    expect(matcher.mentioned('Applied Machine\nLearning to fraud')).toEqual(['machine learning']);
    expect(matcher.mentioned('Wrote the firmware in C.')).toEqual(['C']);
  });

  it('drops empty, repeated and oversized keywords', () => {
    const matcher = keywordMatcher(['', '  ', 'SQL', 'sql', 'x'.repeat(101)]);
    expect(matcher.mentioned(`SQL and ${'x'.repeat(101)}`)).toEqual(['SQL']);
  });
});

describe('keywordsFirstOrder', () => {
  it('puts items with a mention first and keeps each group’s order', () => {
    expect(keywordsFirstOrder([0, 2, 0, 1])).toEqual([1, 3, 0, 2]);
    expect(keywordsFirstOrder([0, 0])).toEqual([0, 1]);
    expect(keywordsFirstOrder([])).toEqual([]);
  });

  it('names up to three keywords in a reason', () => {
    expect(listOfKeywords(['Python'])).toBe('Python');
    expect(listOfKeywords(['Python', 'SQL'])).toBe('Python and SQL');
    expect(listOfKeywords(['Python', 'SQL', 'AWS', 'Go'])).toBe('Python, SQL and AWS');
  });
});

describe('english text', () => {
  it('tells English CV text from other languages and scripts', () => {
    expect(looksEnglish(['Led a team of 5 engineers and reduced costs by 20% across the business.'])).toBe(true);
    expect(looksEnglish(['Leitung eines Teams von 6 Personen und Einführung eines neuen Lagersystems für alle Standorte.'])).toBe(false);
    expect(looksEnglish(['Responsable du développement des applications web et de la gestion de projet.'])).toBe(false);
    expect(looksEnglish(['负责公司的网站开发与维护工作，带领五人团队。 Led the team'])).toBe(false);
    expect(looksEnglish([])).toBe(false);
  });

  it('sees numbers in digits and in words', () => {
    expect(hasNumber('Cut costs by 20%')).toBe(true);
    expect(hasNumber('Trained two new analysts')).toBe(true);
    expect(hasNumber('Managed dozens of accounts')).toBe(true);
    expect(hasNumber('Improved the monthly reporting')).toBe(false);
    expect(hasNumber('Someone said it')).toBe(false);
  });
});
