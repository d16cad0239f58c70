import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { AnalysisTarget } from '../features/analysis/analysis-input.js';
import type { CvAnalysis } from '../features/analysis/schema.js';
import { renderCvDocument, type RenderedDocument } from '../features/documents/render-cv-document.js';
import { DEFAULT_TEMPLATE, documentLayoutOf } from '../features/documents/rules.js';
import { createImprover } from '../features/improvements/create-improver.js';
import { improveCv, type ImprovementOutcome } from '../features/improvements/improve-cv.js';
import { sanitiseParagraphs } from '../features/questionnaires/sanitise.js';
import { readCv } from '../infra/cpu/read-cv-task.js';
import { extractDocument } from '../infra/extract/extract-document.js';
import { defaultExtractionLimits } from '../infra/extract/extraction.js';
import { TypstRenderPool } from '../infra/pdf/typst-pool.js';
import type { JsonResume } from '../resume/json-resume.js';
import { isTemplateName, templateCatalogue } from '../templates/catalogue.js';

/** What `cvimprover improve` is asked. */
export interface ImproveCommandOptions {
  cvPath: string;
  /** A file holding the job advert, or the advert's text itself. */
  job: string;
  output: string;
  template?: string;
  maxPages?: number;
  position?: string;
  industry?: string;
  experience?: AnalysisTarget['experienceLevel'];
  prompt?: string;
}

/** Where the command writes: progress to a terminal (or plain lines), the report to stdout. */
export interface CommandOutput {
  progress: NodeJS.WriteStream;
  report: NodeJS.WritableStream;
}

/** An error the person can act on: printed without a stack, exit code 2. */
export class CommandError extends Error {}

const DEFAULT_PROMPT = 'Tailor my CV to this job: clearer, stronger bullet points, the most relevant experience first, nothing invented.';

/**
 * The whole product in one command, on the embedded defaults or the configured provider: read the CV,
 * improve it for the job, render and check the PDF, and print the analysis before and after.
 */
export async function runImproveCommand(options: ImproveCommandOptions, config: Config, logger: Logger, output: CommandOutput): Promise<RenderedDocument> {
  const template = options.template ?? DEFAULT_TEMPLATE;
  if (!isTemplateName(template)) throw new CommandError(`No template named "${template}"; choose one of: ${templateCatalogue.map((entry) => entry.name).join(', ')}.`);
  const progress = new ProgressBar(output.progress);

  progress.show(5, 'reading the CV');
  const reading = await readCv(await readInput(options.cvPath, 'CV'), defaultExtractionLimits);
  if (!reading.ok) throw new CommandError(`The CV could not be read (${reading.code}): ${reading.message}`);
  const jobDescription = sanitiseParagraphs(existsSync(options.job) && statSync(options.job).isFile() ? (await readInput(options.job, 'job advert')).toString('utf8') : options.job);

  progress.show(15, 'improving');
  const improver = createImprover(config, logger);
  const controller = new AbortController();
  let outcome: ImprovementOutcome;
  try {
    outcome = await improveCv(
      improver,
      {
        resume: reading.resume,
        text: reading.text,
        source: reading.source,
        warnings: reading.warnings.map((warning) => warning.code),
        target: {
          position: options.position ?? firstLine(jobDescription),
          industry: options.industry ?? '',
          experienceLevel: options.experience ?? experienceLevelOf(reading.resume),
          jobDescription,
          companySize: '',
          location: '',
        },
        prompt: options.prompt ?? DEFAULT_PROMPT,
      },
      { signal: controller.signal, idempotencyKey: `cli-${process.pid}-${Date.now()}`, onProgress: (percent) => progress.show(15 + percent * 0.6, 'improving') },
    );
  } finally {
    controller.abort();
  }

  progress.show(80, 'rendering the PDF');
  const renderer = new TypstRenderPool({ size: 1, timeoutMs: config.renderTimeoutSeconds * 1000 });
  let document: RenderedDocument;
  try {
    document = await renderCvDocument(
      { renderer, readPdfText: async (pdf) => textOf(await extractDocument(pdf.slice())) },
      outcome.resume,
      template,
      documentLayoutOf({ ...(options.maxPages === undefined ? {} : { max_pages: options.maxPages }) }),
    );
  } finally {
    await renderer.close();
  }
  await writeFile(options.output, document.pdf);
  progress.done();
  output.report.write(report(outcome, document, options.output, improver.provider === 'offline' ? 'offline rules' : `${improver.provider} ${improver.model}`));
  return document;
}

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new CommandError(`The ${what} ${path} could not be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
}

function textOf(outcome: Awaited<ReturnType<typeof extractDocument>>): string {
  if (!outcome.ok) throw new Error(`The rendered PDF could not be read back (${outcome.code}): ${outcome.message}`);
  return outcome.text;
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim().length > 0) ?? '').trim().slice(0, 120);
}

/** Years from the earliest start to the latest end (or today) of the CV's roles, as the questionnaire's bands. */
export function experienceLevelOf(resume: JsonResume): AnalysisTarget['experienceLevel'] {
  const years = (resume.work ?? []).flatMap((role) => [role.startDate, role.endDate ?? new Date().toISOString().slice(0, 10)]).map((date) => Number(date?.slice(0, 4))).filter((year) => year > 1900);
  if (years.length === 0) return '0-2';
  const span = Math.max(...years) - Math.min(...years);
  return span >= 6 ? '6+' : span >= 3 ? '3-5' : '0-2';
}

function report(outcome: ImprovementOutcome, document: RenderedDocument, path: string, improver: string): string {
  const { before, after } = outcome;
  const row = (label: string, value: (analysis: CvAnalysis) => string) => `  ${label.padEnd(22)}${value(before).padStart(8)}${value(after).padStart(8)}`;
  const lines = [
    `Analysis (improver: ${improver})     before   after`,
    row('overall score', (analysis) => String(analysis.overall_score)),
    row('content', (analysis) => String(analysis.content_score)),
    row('ATS compatibility', (analysis) => String(analysis.ats_compatibility)),
    row('keyword match', (analysis) => `${analysis.keyword_match}%`),
    row('keywords found', (analysis) => `${analysis.keywords.found.length}/${analysis.keywords.total}`),
  ];
  const missing = after.keywords.missing.map((finding) => finding.keyword);
  if (missing.length > 0) lines.push(`  missing from the CV (not added: say so only if true): ${missing.join(', ')}`);
  lines.push(`Changes: ${outcome.changes.length}`);
  for (const change of outcome.changes.slice(0, 8)) lines.push(`  ${change.path}: ${change.reason}`);
  if (outcome.changes.length > 8) lines.push(`  … and ${outcome.changes.length - 8} more`);
  lines.push(`PDF: ${path} (${document.pages} page${document.pages === 1 ? '' : 's'}, ${Math.round(document.pdf.byteLength / 1024)} KB, text recall ${(document.textRecall * 100).toFixed(1)}%)`);
  for (const warning of document.warnings) lines.push(`  warning ${warning.code}: ${warning.message}${warning.words ? ` (${warning.words.join(', ')})` : ''}`);
  for (const item of document.dropped) lines.push(`  dropped to fit: ${item.path} "${item.text.slice(0, 60)}"`);
  return `${lines.join('\n')}\n`;
}

/** A progress bar on a terminal; elsewhere one line per step, so logs stay readable. */
class ProgressBar {
  private lastStep = '';

  constructor(private readonly stream: NodeJS.WriteStream) {}

  show(percent: number, step: string): void {
    const rounded = Math.max(0, Math.min(100, Math.round(percent)));
    if (this.stream.isTTY) {
      const width = 30;
      const filled = Math.round((rounded / 100) * width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(rounded).padStart(3)}% ${step.padEnd(20)}`);
    } else if (step !== this.lastStep) {
      this.stream.write(`${step}…\n`);
    }
    this.lastStep = step;
  }

  done(): void {
    if (this.stream.isTTY) this.stream.write(`\r[${'#'.repeat(30)}] 100% done${' '.repeat(20)}\n`);
  }
}
