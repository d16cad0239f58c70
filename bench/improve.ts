// Improvement figures for every job advert against every fixture CV, through the real pipeline
// (`improveCv`): the advert's keyword coverage before and after, for the offline rules and for a
// model reached through the real `openai` SDK (a fake OpenAI-compatible server on 127.0.0.1 with no
// latency, playing a model that tailors and also claims the advert's missing keywords), the
// fabrications the truthfulness check caught, and the time per improvement. Run with
// `npm run bench:improve`.
//
// Every final result is checked again with `enforceTruthfulness`: anything it still reports is a
// fabrication that reached the person, and fails the run. The ceiling for time is `analyseCv` alone
// on the same input, measured in the same run (an improvement analyses the CV twice, before and after).
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Value } from 'typebox/value';
import { loadConfig } from '../src/config.js';
import type { AnalysisSource } from '../src/features/analysis/analysis-input.js';
import { analyseCv } from '../src/features/analysis/analyse-cv.js';
import { createImprover } from '../src/features/improvements/create-improver.js';
import { improveCv, type ImprovementOutcome, type ImprovementSource } from '../src/features/improvements/improve-cv.js';
import type { Improver } from '../src/features/improvements/improver.js';
import { OfflineImprover } from '../src/features/improvements/offline-improver.js';
import { enforceTruthfulness } from '../src/features/improvements/truthfulness.js';
import { createLogger } from '../src/logger.js';
import { JsonResume } from '../src/resume/json-resume.js';
import { parseResume } from '../src/resume/parse-resume.js';
import { resumeAsText } from '../src/resume/resume-text.js';
import { startFakeOpenAi } from '../test/support/fake-openai.js';
import { ascending, BENCH_SECRET_KEY, percentile, printColumns } from './support.js';
import { keywordPattern, tailoringModel } from './tailoring-model.js';

const CV_FOLDER = 'test/fixtures/cvs';
const JOB_FOLDER = 'test/fixtures/jobs';
const JSON_RESUME_SAMPLE = 'jsonresume_sample.resume.json';
// Timed runs per CV and advert for each improver (and for the ceiling); the first run's result is the one measured.
const RUNS = positiveIntegerFromEnv('BENCH_IMPROVE_RUNS', 3);
const PROMPT = 'Please tailor my CV to this job advert, keeping everything true.';
const FAKE_API_KEY = 'bench-fake-openai-key';
// Each improvement gets this long; a stuck call fails the run instead of hanging it.
const IMPROVEMENT_TIMEOUT_MS = 30_000;

// As an import stores it; the improvement's input type names only the extracted kinds, as the job's cast shows.
const IMPORTED_SOURCE = { type: 'json', pages: 1 } as AnalysisSource as ImprovementSource['source'];

interface Cv {
  file: string;
  resume: JsonResume;
  text: string;
  source: ImprovementSource['source'];
  warnings: string[];
}

interface Advert {
  file: string;
  text: string;
}

type ImproverName = 'offline' | 'model';

/** What one improver did to one CV for one advert. */
interface PairResult {
  cv: string;
  coverageBefore: number;
  coverageAfter: number;
  keywords: number;
  /** The advert's keywords the CV does not show: the tailoring model claims each of them. */
  missing: number;
  /** Facts the truthfulness check reverted or removed inside the pipeline. */
  caught: number;
  /** What the check still finds in the final result: each one reached the person. */
  remaining: number;
  /** The advert's keywords the analysis found missing before and found after: each needs evidence in the CV. */
  gained: string[];
  /** The CV's text, to show where the truthfulness check could have found a gained keyword. */
  sourceText: string;
}

function positiveIntegerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, not ${JSON.stringify(raw)}`);
  return value;
}

/** The fixture CVs: every hand-corrected reference text parsed as an upload's would be, and the JSON Resume sample as an import stores it. */
async function loadCvs(): Promise<Cv[]> {
  const files = (await readdir(CV_FOLDER)).sort();
  const cvs: Cv[] = [];
  for (const file of files.filter((name) => name.endsWith('.reference.txt'))) {
    const text = await readFile(path.join(CV_FOLDER, file), 'utf8');
    const { resume, warnings } = parseResume(text);
    cvs.push({ file, resume, text, source: { type: 'txt', pages: 1 }, warnings: warnings.map((warning) => warning.code) });
  }
  if (files.includes(JSON_RESUME_SAMPLE)) {
    const document = JSON.parse(await readFile(path.join(CV_FOLDER, JSON_RESUME_SAMPLE), 'utf8')) as unknown;
    // What an import stores: the properties JSON Resume does not know dropped.
    const resume = Value.Clean(JsonResume, Value.Clone(document)) as JsonResume;
    if (!Value.Check(JsonResume, resume)) throw new Error(`${JSON_RESUME_SAMPLE} is not a JSON Resume document the service would import`);
    cvs.push({ file: JSON_RESUME_SAMPLE, resume, text: resumeAsText(resume), source: IMPORTED_SOURCE, warnings: [] });
  }
  if (cvs.length === 0) throw new Error(`no fixture CVs in ${CV_FOLDER}`);
  return cvs;
}

async function loadAdverts(): Promise<Advert[]> {
  const files = (await readdir(JOB_FOLDER)).filter((name) => name.endsWith('.txt')).sort();
  if (files.length === 0) throw new Error(`no job adverts in ${JOB_FOLDER}`);
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(path.join(JOB_FOLDER, file), 'utf8') })));
}

/** The improvement's input: the advert's first line is the position applied for, as a person would type it. */
function sourceFor(cv: Cv, advert: Advert): ImprovementSource {
  const position = advert.text.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 120) ?? 'Engineer';
  return {
    resume: cv.resume,
    text: cv.text,
    source: cv.source,
    warnings: cv.warnings,
    target: { position, industry: 'Technology', experienceLevel: '3-5', jobDescription: advert.text, companySize: 'medium', location: '' },
    prompt: PROMPT,
  };
}

async function improve(improver: Improver, source: ImprovementSource, key: string): Promise<ImprovementOutcome> {
  return improveCv(improver, source, { signal: AbortSignal.timeout(IMPROVEMENT_TIMEOUT_MS), idempotencyKey: key, onProgress: () => undefined });
}

/** The figures of one outcome, with the truthfulness check run once more on the final CV. */
function resultOf(cv: Cv, source: ImprovementSource, outcome: ImprovementOutcome): PairResult {
  const recheck = enforceTruthfulness(source.resume, outcome.resume, {
    questionnaireText: source.prompt,
    keywordsMissing: outcome.before.keywords.missing.map((finding) => finding.keyword),
  });
  const missingBefore = new Set(outcome.before.keywords.missing.map((finding) => finding.keyword));
  return {
    cv: cv.file,
    coverageBefore: outcome.before.keywords.coverage,
    coverageAfter: outcome.after.keywords.coverage,
    keywords: outcome.before.keywords.total,
    missing: outcome.before.keywords.missing.length,
    caught: outcome.after.fabrications?.length ?? 0,
    remaining: recheck.fabrications.length,
    gained: outcome.after.keywords.found.map((finding) => finding.keyword).filter((keyword) => missingBefore.has(keyword)),
    sourceText: resumeAsText(source.resume),
  };
}

/** Where a CV's text names a keyword (a plural too), with a little context; what a reader needs to judge the evidence. */
function evidenceSnippet(text: string, keyword: string): string {
  const match = keywordPattern(keyword).exec(text);
  if (!match) return '(no whole word in the text)';
  const start = Math.max(0, match.index - 30);
  return JSON.stringify(text.slice(start, match.index + match[0].length + 30).replace(/\s+/g, ' '));
}

async function timed<T>(task: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await task();
  return { value, ms: performance.now() - started };
}

const mean = (values: readonly number[]) => (values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length);
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

interface AdvertFigures {
  advert: string;
  results: Record<ImproverName, PairResult[]>;
}

function coverageCell(results: readonly PairResult[]): string {
  return `${percent(mean(results.map((result) => result.coverageBefore)))} → ${percent(mean(results.map((result) => result.coverageAfter)))}`;
}

function printAdverts(figures: readonly AdvertFigures[], cvCount: number): void {
  console.log(
    `\nPer advert, over ${cvCount} CVs: mean keyword coverage before → after; the advert's missing keywords the model claimed; ` +
      'fabrications the truthfulness check caught and reverted; fabrications the check still finds in the final results',
  );
  const row = (label: string, offline: PairResult[], model: PairResult[]): string[] => [
    label,
    mean(offline.map((result) => result.keywords)).toFixed(1),
    coverageCell(offline),
    coverageCell(model),
    String(sum(model.map((result) => result.missing))),
    String(sum(offline.map((result) => result.caught))),
    String(sum(model.map((result) => result.caught))),
    String(sum([...offline, ...model].map((result) => result.remaining))),
  ];
  const lines = figures.map((advert) => row(advert.advert, advert.results.offline, advert.results.model));
  lines.push(
    row(
      'all adverts',
      figures.flatMap((advert) => advert.results.offline),
      figures.flatMap((advert) => advert.results.model),
    ),
  );
  printColumns(['advert', 'keywords', 'offline coverage', 'model coverage', 'model claimed', 'offline caught', 'model caught', 'left in final'], lines);
}

/**
 * The advert's keywords the analysis called missing that a final result shows: the truthfulness
 * check found evidence for them in the CV. Listed with where the CV's text names them, to judge.
 */
function printGained(figures: readonly AdvertFigures[]): void {
  const lines = figures.flatMap((advert) =>
    (['offline', 'model'] as const).flatMap((name) =>
      advert.results[name].flatMap((result) => result.gained.map((keyword) => [advert.advert, result.cv, name, keyword, evidenceSnippet(result.sourceText, keyword)])),
    ),
  );
  console.log(`\nKeywords missing before that the final results show, kept because the truthfulness check found evidence in the CV: ${lines.length}`);
  if (lines.length > 0) printColumns(['advert', 'CV', 'improver', 'keyword', 'where the CV names it'], lines, 5);
}

async function main(): Promise<void> {
  const [cvs, adverts] = await Promise.all([loadCvs(), loadAdverts()]);
  const fake = await startFakeOpenAi({ respond: tailoringModel(), apiKey: FAKE_API_KEY });
  try {
    // The service's own wiring: the configured provider through the real SDK, as a worker builds it.
    const config = loadConfig({ SECRET_KEY: BENCH_SECRET_KEY, LOG_LEVEL: 'silent', LLM_PROVIDER: 'openai', OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: FAKE_API_KEY });
    const improvers: Record<ImproverName, Improver> = { offline: new OfflineImprover(), model: createImprover(config, createLogger('silent')) };
    if (improvers.model.provider !== 'openai') throw new Error(`the model improver is ${improvers.model.provider}, not openai`);

    // Unmeasured: the first calls pay for JIT, the SDK's set-up and the first connection.
    const warmup = sourceFor(cvs[0] as Cv, adverts[0] as Advert);
    for (const improver of Object.values(improvers)) for (let i = 0; i < 3; i++) await improve(improver, warmup, `warmup-${i}`);

    const times: Record<ImproverName | 'analysis', number[]> = { offline: [], model: [], analysis: [] };
    const figures: AdvertFigures[] = [];
    const started = performance.now();
    for (const advert of adverts) {
      const results: Record<ImproverName, PairResult[]> = { offline: [], model: [] };
      for (const cv of cvs) {
        const source = sourceFor(cv, advert);
        const label = `${cv.file} for ${advert.file}`;
        for (let run = 0; run < RUNS; run++) {
          // Interleaved, so a busy moment of the shared machine weighs on all three alike.
          times.analysis.push((await timed(() => analyseCv(source))).ms);
          for (const name of ['offline', 'model'] as const) {
            const { value: outcome, ms } = await timed(() =>
              improve(improvers[name], source, `${name}-${run}-${label}`).catch((error: unknown) => {
                throw new Error(`${name} improvement of ${label} failed: ${(error as Error).message}`, { cause: error });
              }),
            );
            times[name].push(ms);
            if (run === 0) results[name].push(resultOf(cv, source, outcome));
          }
        }
      }
      figures.push({ advert: advert.file.replace(/\.txt$/, ''), results });
    }
    const elapsed = (performance.now() - started) / 1000;
    const improvements = adverts.length * cvs.length;

    printAdverts(figures, cvs.length);
    printGained(figures);
    const all = (name: ImproverName) => figures.flatMap((advert) => advert.results[name]);
    console.log(
      `\n${improvements} CV-advert pairs (${cvs.length} CVs × ${adverts.length} adverts), ${RUNS} timed runs each per improver, ${elapsed.toFixed(1)} s; ` +
        `the model answered ${fake.requests.length} requests`,
    );
    const ceiling = percentile(ascending(times.analysis), 50);
    printColumns(
      ['time per improvement', 'median ms', 'p95 ms', 'ratio to ceiling (median)'],
      [
        ['ceiling: analyseCv alone', ceiling.toFixed(2), percentile(ascending(times.analysis), 95).toFixed(2), '1.00x'],
        ...(['offline', 'model'] as const).map((name) => {
          const sorted = ascending(times[name]);
          return [`improveCv, ${name === 'offline' ? 'offline rules' : 'model via openai SDK'}`, percentile(sorted, 50).toFixed(2), percentile(sorted, 95).toFixed(2), `${(percentile(sorted, 50) / ceiling).toFixed(2)}x`];
        }),
      ],
    );

    const offlineCaught = sum(all('offline').map((result) => result.caught));
    const modelClaims = sum(all('model').map((result) => result.missing));
    const modelCaught = sum(all('model').map((result) => result.caught));
    const remaining = sum([...all('offline'), ...all('model')].map((result) => result.remaining));
    console.log(`\nfabrications caught and reverted: offline ${offlineCaught}, model ${modelCaught} (the model claimed ${modelClaims} keywords the CVs do not show, in a skills group whose invented name is caught too)`);
    console.log(`fabrications in the final results: ${remaining}`);
    if (remaining > 0) throw new Error(`${remaining} fabrications reached the final results: the truthfulness check let them through`);
  } finally {
    await fake.close();
  }
}

await main();
