import type { JsonResume } from '../../resume/json-resume.js';
import { resumeAsText } from '../../resume/resume-text.js';
import type { AnalysisInput, AnalysisSource, AnalysisTarget } from '../analysis/analysis-input.js';
import { isFile } from '../analysis/ats-checks.js';
import { analyseCv } from '../analysis/analyse-cv.js';
import type { CvAnalysis } from '../analysis/schema.js';
import type { ChangeReasons, Improver, ResumeChange } from './improver.js';
import { redactPersonalData } from './personal-data.js';
import { describeChanges } from './resume-changes.js';
import { resumeAsMarkdown } from './resume-markdown.js';
import { IMPROVEMENT_LIMITS } from './schema.js';
import { enforceTruthfulness } from './truthfulness.js';
import type { LlmUsage } from '../../infra/llm/llm-provider.js';

/** What an improvement works from: the stored CV, the questionnaire's answers and the person's request. */
export interface ImprovementSource extends AnalysisInput {
  target: AnalysisTarget & { companySize: string; location: string };
  prompt: string;
}

export interface ImprovementOutcome {
  resume: JsonResume;
  markdown: string;
  changes: ResumeChange[];
  before: CvAnalysis;
  after: CvAnalysis;
  usage: LlmUsage;
}


/**
 * What the improved CV is measured as. An uploaded CV becomes a PDF we render, whose text layer is
 * checked after every render: a file with its text as text, pages not yet known. A CV typed in or
 * imported is measured as it was, so that before and after weigh the same checks.
 */
function improvedSource(source: AnalysisSource | null): AnalysisSource | null {
  return isFile(source) ? { type: 'pdf' } : source;
}

/**
 * One improvement, start to end: measure the CV, hide personal data, ask the improver, put the
 * personal data back, revert anything the CV and questionnaire do not support, and measure again.
 */
export async function improveCv(
  improver: Improver,
  input: ImprovementSource,
  options: { signal: AbortSignal; idempotencyKey: string; onProgress: (percent: number) => void },
): Promise<ImprovementOutcome> {
  const before = analyseCv(input);
  options.onProgress(10);

  const redaction = redactPersonalData(input.resume, {
    prompt: input.prompt,
    jobDescription: input.target.jobDescription,
    position: input.target.position,
    industry: input.target.industry,
    location: input.target.location,
  });
  const texts = redaction.texts;
  const draft = await improver.improve(
    {
      resume: redaction.resume,
      target: {
        ...input.target,
        position: texts.position ?? '',
        industry: texts.industry ?? '',
        location: texts.location ?? '',
        jobDescription: texts.jobDescription ?? '',
      },
      prompt: texts.prompt ?? '',
      keywordsFound: before.keywords.found,
      keywordsMissing: before.keywords.missing,
    },
    { signal: options.signal, idempotencyKey: options.idempotencyKey, onProgress: (percent) => options.onProgress(10 + percent * 0.7) },
  );
  options.signal.throwIfAborted();

  const restored = redaction.restore(draft.resume);
  const checked = enforceTruthfulness(input.resume, restored, {
    // Only what the person wrote about themselves: the advert and the target position describe the
    // job, and a fact taken from them ("5 years of Kubernetes", a title retitled to the target) is invented.
    questionnaireText: input.prompt,
    keywordsMissing: before.keywords.missing.map((finding) => finding.keyword),
  });
  // A model writes its reasons about the CV it saw, placeholders included.
  const reasons: ChangeReasons = Object.fromEntries(Object.entries(draft.reasons).map(([path, reason]) => [path, redaction.restoreText(reason)]));
  const changes = describeChanges(input.resume, checked.resume, reasons);
  const markdown = resumeAsMarkdown(checked.resume, { maxChars: IMPROVEMENT_LIMITS.responseTextMax });
  const measured = analyseCv({ resume: checked.resume, text: resumeAsText(checked.resume), source: improvedSource(input.source), warnings: [], target: input.target });
  options.onProgress(95);
  return {
    resume: checked.resume,
    markdown,
    changes,
    before,
    after: { ...measured, fabrications: checked.fabrications, gaps: checked.gaps },
    usage: draft.usage,
  };
}
