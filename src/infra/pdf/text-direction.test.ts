import { describe, expect, it } from 'vitest';
import { cvDirection, dominantDirection } from './text-direction.js';

describe('dominantDirection', () => {
  it('is rtl only when right-to-left letters are more than half the letters', () => {
    expect(dominantDirection('محمد العلي')).toBe('rtl');
    expect(dominantDirection('דוד כהן, Senior Engineer at חברת תוכנה')).toBe('ltr');
    expect(dominantDirection('پژوهشگر ارشد in Tehran')).toBe('rtl');
    expect(dominantDirection('Иван Петров 2024 — 123')).toBe('ltr');
    expect(dominantDirection('')).toBe('ltr');
  });
});

describe('cvDirection', () => {
  it('reads the name, headline and summary of the CV, and is ltr without them', () => {
    expect(cvDirection({ basics: { name: 'Dana Levi', summary: 'מהנדסת תוכנה עם ניסיון רב בפיתוח מערכות' } })).toBe('rtl');
    expect(cvDirection({ basics: { name: 'سارا', label: 'Software engineer building payment systems' } })).toBe('ltr');
    expect(cvDirection({ work: [{ name: 'شركة البرمجيات' }] })).toBe('ltr');
    expect(cvDirection(null)).toBe('ltr');
  });
});
