import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { JsonResume } from '../../resume/json-resume.js';
import { resumeAsText } from '../../resume/resume-text.js';
import type { AnalysisSource } from '../analysis/analysis-input.js';
import { improveCv } from './improve-cv.js';
import { OfflineImprover } from './offline-improver.js';

async function improve(source: AnalysisSource | null) {
  const resume = JSON.parse(await readFile('test/fixtures/improvements/jane-roe.resume.json', 'utf8')) as JsonResume;
  return improveCv(
    new OfflineImprover(),
    {
      resume,
      text: resumeAsText(resume),
      source,
      warnings: [],
      target: { position: 'Senior Backend Engineer', industry: 'Software', experienceLevel: '6+', jobDescription: 'Python, Django, PostgreSQL', companySize: 'medium', location: '' },
      prompt: 'Tailor my CV to this role, please.',
    },
    { signal: new AbortController().signal, idempotencyKey: 'test', onProgress: () => undefined },
  );
}

const weights = (checks: { id: string; severity: string }[]) => checks.map((check) => `${check.id}:${check.severity}`);

describe('improveCv measures the improved CV as what it becomes', () => {
  it('an uploaded file becomes a PDF with a text layer: the same checks weigh the same before and after', async () => {
    const { before, after } = await improve({ type: 'pdf', pages: 2, ocr: { confidence: 80, languages: ['eng'] } });
    expect(weights(after.ats_checks)).toEqual(weights(before.ats_checks));
    // The scan needed OCR; the PDF it becomes carries its text as text.
    expect(before.ats_checks.find((check) => check.id === 'text_layer')?.passed).toBe(false);
    expect(after.ats_checks.find((check) => check.id === 'text_layer')).toMatchObject({ passed: true, severity: 'error' });
  });

  it('a CV typed in or imported is measured as it was', async () => {
    const { before, after } = await improve(null);
    expect(weights(after.ats_checks)).toEqual(weights(before.ats_checks));
    expect(after.ats_checks.find((check) => check.id === 'text_layer')?.severity).toBe('info');
  });
});
