import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import type { AnalysisInput } from './analysis-input.js';
import { analyseCv } from './analyse-cv.js';
import { CvAnalysisSchema } from './schema.js';

const input = (overrides: Partial<AnalysisInput> = {}): AnalysisInput => ({
  resume: {
    basics: { name: 'Ada Example', email: 'ada@example.com', phone: '+44 20 7946 0958', summary: 'Backend developer.' },
    work: [{ name: 'Acme', position: 'Developer', startDate: '2019-01', endDate: '2023-06', highlights: ['Built Django services for 4 teams', 'Helped with the on-call rota'] }],
    education: [{ institution: 'Uni', studyType: 'BSc', area: 'Computer Science', startDate: '2015-09', endDate: '2018-06' }],
    skills: [{ name: 'Languages', keywords: ['Python', 'SQL'] }],
  },
  text: 'word '.repeat(300),
  source: { type: 'pdf', pages: 1 },
  warnings: [],
  target: { position: 'Backend developer', industry: 'Software', experienceLevel: '3-5', jobDescription: 'We need Python, Django and Kubernetes.' },
  ...overrides,
});

describe('analyseCv', () => {
  it('answers in the shape of CvAnalysisSchema', () => {
    const analysis = analyseCv(input());
    expect(Value.Check(CvAnalysisSchema, analysis), JSON.stringify([...Value.Errors(CvAnalysisSchema, analysis)])).toBe(true);
    expect(analysis).not.toHaveProperty('fabrications');
    expect(analysis).not.toHaveProperty('gaps');
  });

  it('measures the keywords of the advert against the CV', () => {
    const analysis = analyseCv(input());
    expect(analysis.keywords.total).toBe(3);
    expect(analysis.keywords.found).toEqual([
      { keyword: 'Python', found_in: ['skills'] },
      { keyword: 'Django', found_in: ['work'] },
    ]);
    expect(analysis.keywords.missing).toEqual([{ keyword: 'Kubernetes', found_in: [] }]);
    expect(analysis.keywords.coverage).toBe(0.6667);
    expect(analysis.keyword_match).toBe(67);
  });

  it('puts the parts together by the formula it states', () => {
    const analysis = analyseCv(input());
    expect(analysis.overall_score).toBe(Math.round(0.4 * analysis.content_score + 0.3 * analysis.ats_compatibility + 0.3 * analysis.keyword_match));
    expect(analysis.score_formula).toContain('0.4 × content');
    expect(analysis.sections.map((section) => section.section)).toEqual(['work']);
    expect(analysis.sections[0]?.feedback.map((item) => [item.kind, item.path])).toEqual([
      ['weak_verb', '/work/0/highlights/1'],
      ['unquantified', '/work/0/highlights/1'],
    ]);
  });

  it('leaves keyword match out of the overall score when the advert is empty', () => {
    const analysis = analyseCv(input({ target: { position: 'Backend developer', industry: 'Software', experienceLevel: '3-5', jobDescription: '' } }));
    expect(analysis.keywords).toEqual({ total: 0, coverage: 0, found: [], missing: [] });
    expect(analysis.keyword_match).toBe(0);
    expect(analysis.overall_score).toBe(Math.round((4 * analysis.content_score + 3 * analysis.ats_compatibility) / 7));
    expect(analysis.score_formula).toContain('no keywords');
    expect(Value.Check(CvAnalysisSchema, analysis)).toBe(true);
  });

  it('fails the text layer of a CV read by OCR, and scores ATS lower for it', () => {
    const read = analyseCv(input());
    const scanned = analyseCv(input({ source: { type: 'pdf', pages: 1, ocr: { confidence: 74, languages: ['eng'] } } }));
    expect(scanned.ats_checks.find((check) => check.id === 'text_layer')?.passed).toBe(false);
    expect(scanned.ats_checks.find((check) => check.id === 'no_text_in_images')?.passed).toBe(false);
    expect(scanned.ats_compatibility).toBeLessThan(read.ats_compatibility);
  });

  it('gives the same answer, byte for byte, every time', () => {
    expect(JSON.stringify(analyseCv(input()))).toBe(JSON.stringify(analyseCv(input())));
  });

  it('analyses an empty CV', () => {
    const analysis = analyseCv(input({ resume: {}, text: '', source: null }));
    expect(Value.Check(CvAnalysisSchema, analysis)).toBe(true);
    expect(analysis.content_score).toBe(100);
    expect(analysis.ats_checks.find((check) => check.id === 'section_headings')?.passed).toBe(false);
    expect(analysis.keywords.missing.map((finding) => finding.keyword)).toEqual(['Python', 'Django', 'Kubernetes']);
  });
});
