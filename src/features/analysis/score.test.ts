import { describe, expect, it } from 'vitest';
import type { AtsCheck, SectionAnalysis } from './schema.js';
import { atsCompatibilityScore, contentScore, keywordMatchScore, overallScore, scoreFormula } from './score.js';

const check = (passed: boolean, severity: AtsCheck['severity']): AtsCheck => ({ id: 'x', label: 'x', passed, severity, detail: 'x' });
const section = (score: number): SectionAnalysis => ({ section: 'work', label: 'Work', score, feedback: [] });

describe('atsCompatibilityScore', () => {
  it('weighs a failed error twice a failed warning, and ignores informational checks', () => {
    expect(atsCompatibilityScore([check(true, 'error'), check(true, 'warning')])).toBe(100);
    expect(atsCompatibilityScore([check(false, 'error'), check(true, 'warning')])).toBe(33);
    expect(atsCompatibilityScore([check(true, 'error'), check(false, 'warning')])).toBe(67);
    expect(atsCompatibilityScore([check(true, 'error'), check(false, 'info')])).toBe(100);
    expect(atsCompatibilityScore([check(false, 'info')])).toBe(100);
  });
});

describe('keywordMatchScore', () => {
  it('is the rounded share of keywords found, 0 when there were none', () => {
    expect(keywordMatchScore(1, 3)).toBe(33);
    expect(keywordMatchScore(2, 3)).toBe(67);
    expect(keywordMatchScore(0, 0)).toBe(0);
  });
});

describe('contentScore', () => {
  it('is the mean of the sections, 100 without any', () => {
    expect(contentScore([section(80), section(61)])).toBe(71);
    expect(contentScore([])).toBe(100);
  });
});

describe('overallScore', () => {
  it('is 0.4 content + 0.3 ATS + 0.3 keywords, rounded', () => {
    expect(overallScore({ content: 80, ats: 60, keyword: 50, keywordMeasured: true })).toBe(65);
    expect(overallScore({ content: 75, ats: 70, keyword: 69, keywordMeasured: true })).toBe(72);
    expect(overallScore({ content: 100, ats: 100, keyword: 100, keywordMeasured: true })).toBe(100);
  });

  it('leaves keywords out when there were none, keeping content and ATS at 4:3', () => {
    expect(overallScore({ content: 80, ats: 60, keyword: 0, keywordMeasured: false })).toBe(71);
    expect(overallScore({ content: 100, ats: 100, keyword: 0, keywordMeasured: false })).toBe(100);
  });

  it('states its formula in words, either way', () => {
    expect(scoreFormula(true)).toContain('0.4 × content + 0.3 × ATS compatibility + 0.3 × keyword match');
    expect(scoreFormula(false)).toContain('4/7 × content + 3/7 × ATS compatibility');
  });
});
