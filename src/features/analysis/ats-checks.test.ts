import { describe, expect, it } from 'vitest';
import type { JsonResume } from '../../resume/json-resume.js';
import type { AnalysisInput } from './analysis-input.js';
import { checkContactDetails, checkDateFormats, checkLength, checkNoTextInImages, checkSectionHeadings, checkTextLayer, runAtsChecks } from './ats-checks.js';
import { countWords } from './word-count.js';

const pdf = { type: 'pdf' as const, pages: 1 };
const scanned = { type: 'pdf' as const, pages: 2, ocr: { confidence: 81, languages: ['eng'] } };
const words = (count: number) => Array.from({ length: count }, (_, i) => `word${i}`).join(' ');

describe('text_layer', () => {
  it('passes a file read as text, fails one read by OCR or without text', () => {
    expect(checkTextLayer(pdf, [])).toMatchObject({ id: 'text_layer', passed: true, severity: 'error' });
    expect(checkTextLayer({ type: 'docx', pages: 1 }, [])).toMatchObject({ passed: true, severity: 'error' });
    const ocr = checkTextLayer(scanned, []);
    expect(ocr).toMatchObject({ passed: false, severity: 'error' });
    expect(ocr.detail).toContain('OCR');
    expect(checkTextLayer(pdf, ['no_text_layer'])).toMatchObject({ passed: false, severity: 'error' });
  });

  it('is informational when no file was read', () => {
    expect(checkTextLayer(null, [])).toMatchObject({ passed: true, severity: 'info' });
    expect(checkTextLayer({ type: 'json', pages: 1 }, [])).toMatchObject({ passed: true, severity: 'info' });
  });
});

describe('no_text_in_images', () => {
  it('fails when pages were read from images', () => {
    expect(checkNoTextInImages(scanned)).toMatchObject({ id: 'no_text_in_images', passed: false, severity: 'warning' });
    expect(checkNoTextInImages(pdf)).toMatchObject({ passed: true, severity: 'warning' });
    expect(checkNoTextInImages(null)).toMatchObject({ passed: true, severity: 'info' });
  });
});

describe('section_headings', () => {
  const full: JsonResume = { work: [{ name: 'Acme' }], education: [{ institution: 'Uni' }], skills: [{ name: 'Python' }] };

  it('passes a CV with experience, education and skills', () => {
    expect(checkSectionHeadings(full, [])).toMatchObject({ id: 'section_headings', passed: true, severity: 'error' });
  });

  it('names the standard sections that are missing', () => {
    const check = checkSectionHeadings({ work: [{ name: 'Acme' }] }, []);
    expect(check.passed).toBe(false);
    expect(check.detail).toContain('Education or Skills');
    expect(checkSectionHeadings({ ...full, skills: [] }, []).detail).toContain('No Skills section');
  });

  it('fails when the reader recognised no heading at all', () => {
    expect(checkSectionHeadings(full, ['no_sections'])).toMatchObject({ passed: false });
  });
});

describe('contact_details', () => {
  it('wants an e-mail address and a phone number', () => {
    expect(checkContactDetails({ basics: { email: 'ada@example.com', phone: '+44 20 7946 0958' } }, [])).toMatchObject({ id: 'contact_details', passed: true });
    const noPhone = checkContactDetails({ basics: { email: 'ada@example.com' } }, []);
    expect(noPhone.passed).toBe(false);
    expect(noPhone.detail).toMatch(/^No phone number was found/);
    expect(checkContactDetails({ basics: { phone: '555 0100 200' } }, []).detail).toMatch(/^No e-mail address was found/);
    expect(checkContactDetails({ basics: { email: 'not an address', phone: '12' } }, []).detail).toMatch(/^No e-mail address or phone number/);
  });

  it('fails on the reader’s no_contact warning', () => {
    expect(checkContactDetails({ basics: { email: 'ada@example.com', phone: '+44 20 7946 0958' } }, ['no_contact']).passed).toBe(false);
  });
});

describe('date_formats', () => {
  it('passes dates all given the same way', () => {
    const resume: JsonResume = { work: [{ name: 'A', startDate: '2020-01' }, { name: 'B', startDate: '2017-06', endDate: '2019-12' }], education: [{ institution: 'U', endDate: '2015-05' }] };
    expect(checkDateFormats(resume)).toMatchObject({ id: 'date_formats', passed: true, severity: 'warning' });
  });

  it('flags a job without a start date, and names it', () => {
    const check = checkDateFormats({ work: [{ name: 'Acme', position: 'Engineer', endDate: '2020' }] });
    expect(check.passed).toBe(false);
    expect(check.detail).toContain('Engineer at Acme has no start date');
  });

  it('flags a mix of years alone with months, and an entry whose ends differ in precision', () => {
    expect(checkDateFormats({ work: [{ name: 'A', startDate: '2020-01' }, { name: 'B', startDate: '2017', endDate: '2019' }] }).detail).toContain('only the year');
    expect(checkDateFormats({ work: [{ name: 'A', startDate: '2020-01', endDate: '2021' }] }).detail).toContain('different precision');
  });

  it('flags an end before the start', () => {
    expect(checkDateFormats({ work: [{ name: 'A', startDate: '2021-03', endDate: '2020-01' }] }).detail).toContain('A ends before it starts');
  });

  it('lets a degree give its end alone, and passes a CV with nothing dated', () => {
    expect(checkDateFormats({ education: [{ institution: 'U', endDate: '2015' }] }).passed).toBe(true);
    expect(checkDateFormats({ skills: [{ name: 'Python' }] }).passed).toBe(true);
  });
});

describe('length', () => {
  it('fits the experience level: words and, for a PDF or a Word document, pages', () => {
    expect(checkLength(words(500), { type: 'pdf', pages: 1 }, '0-2')).toMatchObject({ id: 'length', passed: true, severity: 'warning' });
    expect(checkLength(words(700), { type: 'pdf', pages: 1 }, '0-2').passed).toBe(false);
    expect(checkLength(words(500), { type: 'pdf', pages: 2 }, '0-2').passed).toBe(false);
    expect(checkLength(words(1000), { type: 'docx', pages: 2 }, '3-5').passed).toBe(true);
    expect(checkLength(words(1200), { type: 'pdf', pages: 2 }, '3-5').passed).toBe(false);
    expect(checkLength(words(1500), { type: 'pdf', pages: 3 }, '6+').passed).toBe(true);
    expect(checkLength(words(1500), { type: 'pdf', pages: 4 }, '6+').passed).toBe(false);
  });

  it('counts no pages for a text that came without them', () => {
    expect(checkLength(words(500), { type: 'pdf', pages: 1 }, '6+').detail).toMatch(/^500 words on 1 page:/);
    expect(checkLength(words(500), { type: 'txt', pages: 1 }, '6+').detail).toMatch(/^500 words:/);
    expect(checkLength(words(500), null, '0-2').passed).toBe(true);
  });

  it('flags a CV too short to judge', () => {
    const check = checkLength(words(90), pdf, '3-5');
    expect(check.passed).toBe(false);
    expect(check.detail).toContain('90 words');
  });
});

describe('countWords', () => {
  it('counts words by spaces, and unspaced scripts at two characters a word', () => {
    expect(countWords('Led a team of 5 — well.')).toBe(6);
    expect(countWords('软件工程师 Python')).toBe(4);
  });
});

describe('runAtsChecks', () => {
  it('runs every check once, in a fixed order', () => {
    const input: AnalysisInput = { resume: {}, text: '', source: null, warnings: [], target: { position: 'x', industry: 'y', experienceLevel: '0-2', jobDescription: '' } };
    expect(runAtsChecks(input).map((check) => check.id)).toEqual(['text_layer', 'section_headings', 'contact_details', 'date_formats', 'no_text_in_images', 'length']);
  });
});
