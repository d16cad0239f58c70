// PDF rendering figures for a two-page CV: the JSON Resume sample, padded with as many roles as a
// template still lays out on two pages (for each template; the classic one's for WeasyPrint and the
// API). Run with `npm run bench:render`.
//
// 1. Ceiling: the Typst engine alone in this process (`NodeCompiler` compiling and writing the PDF, warm,
//    one compiler, the template's own inputs): median ms per document.
// 2. Per template: median ms per document through `TypstRenderPool` (one warm child, one render after
//    another, in turns with the engine on the same documents) as a ratio to the ceiling; and documents per second over a pool of the default size with
//    many distinct documents at once, as a ratio to that many engines each giving the ceiling's rate.
// 3. Reference: WeasyPrint rendering the same CV as an equivalent HTML page, warm in one Python process;
//    skipped with a notice when the `weasyprint` module is missing (Debian: `apt-get install weasyprint`).
// 4. Through the API, in both layouts as bench:pipeline opens them (API and worker in this process):
//    `POST /cv/questionnaire/{id}/documents/` with `Prefer: wait`; the p99 of GET /core/health/ while
//    100 renders run at once; and the resident memory of the service (this process plus its render
//    children) after 100 and after 2000 distinct renders. It runs first, before this process holds a
//    compiler of its own, so the memory is the service's and the benchmark's HTTP client's alone; the
//    scale-out layout runs after the embedded one in the same process, with what the heap kept of it.
//    The pool replaces a child after 200 renders, so 2000 renders go through several children.
// 5. Health again, with the built service in processes of its own as deployed (embedded `serve
//    --with-worker`; scale-out `migrate`, `worker`, `serve`): 100 documents asked for without waiting
//    (202 each), health's p99 while those requests arrive, then its p50 and p99 while they render; and
//    the resident memory of the service's processes and their render children after those first 100
//    distinct renders and after 2000.
//
// Every document differs from the one before by one word (the compiler memoises layout, so repeating
// one document would measure its cache). No figure is asserted: the machine is shared and noisy.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import { buildApp } from '../src/app.js';
import { bundledFonts } from '../src/infra/pdf/fonts.js';
import { TypstRenderPool, typstInputs } from '../src/infra/pdf/typst-pool.js';
import { packageRoot } from '../src/paths.js';
import { startWorker } from '../src/process/worker-role.js';
import { buildService, Cleanup, cleanUpOnSignals, listeningAddress, READY, Run, waitUntilHealthy, type LoggedChild } from './service-process.js';
import {
  ascending,
  BENCH_SECRET_KEY,
  benchmarkLayouts,
  benchRedis,
  createBenchDatabase,
  deleteRedisKeys,
  percentile,
  printColumns,
  runConcurrently,
  scaleOutProblem,
  timeSequential,
  type Layout,
  type TableRow,
} from './support.js';

const TEMPLATES_DIR = path.join(packageRoot, 'src', 'templates');
const RESUME_FILE = path.join(packageRoot, 'test/fixtures/cvs/jsonresume_sample.resume.json');
const PADDED_TEMPLATE = 'classic';
const TARGET_PAGES = 2;
const SEQUENTIAL_WARMUP = 10;
const SEQUENTIAL_RUNS = 60;
const THROUGHPUT_WARMUP = 20;
const THROUGHPUT_DOCUMENTS = 200;
const THROUGHPUT_CONCURRENCY = 16;
const WEASYPRINT_WARMUP = 3;
const WEASYPRINT_RUNS = 30;
const API_WARMUP = 5;
const API_RUNS = 30;
const RENDERS_AT_ONCE = 100;
const MEMORY_FIRST = 100;
const MEMORY_TOTAL = 2000;
const MEMORY_CONCURRENCY = 8;
// One document alone waits as a client would; under load the service's longest wait, so every POST settles in its request.
const PREFER_WAIT_SECONDS = 10;
const PREFER_WAIT_UNDER_LOAD_SECONDS = 60;
const REQUEST_TIMEOUT_MS = (PREFER_WAIT_UNDER_LOAD_SECONDS + 10) * 1000;
const WORKER_GRACE_MS = 5000;
const PEOPLE = 10;
const PASSWORD = 'Lantern-7-quartz-meadow';
// Where WeasyPrint may be: the Python on PATH, or Debian's, which `apt-get install weasyprint` fills.
const PYTHONS = [process.env.BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter((name): name is string => Boolean(name));

interface Resume {
  basics: { name: string; label?: string; summary: string; email?: string; phone?: string; url?: string; location?: Record<string, string>; [field: string]: unknown };
  work: WorkEntry[];
  [section: string]: unknown;
}

interface WorkEntry {
  name: string;
  position: string;
  location?: string;
  description?: string;
  startDate?: string;
  endDate?: string;
  summary?: string;
  highlights: string[];
}

/** The CV of document `index`: the same as every other but for one word of the summary. */
function variant(cv: Resume, index: number): Resume {
  return { ...cv, basics: { ...cv.basics, summary: cv.basics.summary.replace('Tulsa', `Tulsa${index}`) } };
}

/** A made-up earlier role, as long as a real one, so the CV grows by whole entries. */
function extraRole(number: number): WorkEntry {
  const year = 2012 - number;
  return {
    name: `Compression Lab ${number}`,
    position: 'Software Engineer',
    location: 'Palo Alto, CA',
    description: 'Storage and streaming infrastructure',
    startDate: `${year - 1}-01-01`,
    endDate: `${year}-01-01`,
    summary: 'Worked on lossless compression for media storage, from research prototypes to the production encoders serving millions of files a day.',
    highlights: [
      'Cut storage costs by a fifth with an adaptive entropy coder tuned for video archives',
      'Led a team of four engineers through the migration of the encoding pipeline to a new cluster',
      'Wrote the benchmarks and regression suite that every later release of the encoder was checked against',
      'Mentored interns and gave talks on information theory at two university meetups',
    ],
  };
}

/** The Typst engine alone: one compiler with the bundled fonts, as a pool child holds it. */
class Engine {
  private readonly compiler = NodeCompiler.create({
    workspace: TEMPLATES_DIR,
    fontArgs: [{ fontBlobs: bundledFonts.faces.map((face) => readFileSync(face.path)) }],
  });

  /** Compiles `template` for `cv` and writes the PDF; answers its pages. */
  render(template: string, cv: unknown): { pages: number; bytes: number } {
    const compiled = this.compiler.compile({ mainFilePath: path.join(TEMPLATES_DIR, `${template}.typ`), inputs: typstInputs({ template, data: cv }, bundledFonts) });
    const failure = compiled.takeError();
    const document = compiled.result;
    if (failure || !document) throw new Error(`${template}: Typst failed (${failure?.kind ?? 'no document'})`);
    return { pages: document.numOfPages, bytes: this.compiler.pdf(document).byteLength };
  }
}

/** The sample with as many roles added as `template` still fits on two full pages. */
async function twoPageCv(sample: Resume, renderer: TypstRenderPool, template: string): Promise<Resume> {
  let fitting: Resume | undefined;
  for (let extra = 0; extra <= 20; extra++) {
    const cv: Resume = { ...sample, work: [...sample.work, ...Array.from({ length: extra }, (_, index) => extraRole(index + 1))] };
    const { pages } = await renderer.render({ template, data: cv });
    if (pages > TARGET_PAGES) break;
    if (pages === TARGET_PAGES) fitting = cv;
  }
  if (!fitting) throw new Error(`no number of added roles gives ${TARGET_PAGES} pages in ${template}`);
  return fitting;
}

async function templateNames(): Promise<string[]> {
  return (await readdir(TEMPLATES_DIR))
    .filter((name) => name.endsWith('.typ'))
    .map((name) => name.slice(0, -'.typ'.length))
    .sort();
}

interface TemplateFigures {
  template: string;
  roles: number;
  engineMs: number;
  poolMs: number;
  poolPerSecond: number;
  poolSize: number;
}

async function elapsedMs(work: () => unknown): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * The engine's and one warm child's medians over the same documents, timed in turns (one document each,
 * the first of the two alternating), so a busy moment of the shared machine falls on both alike.
 */
async function measureSequential(template: string, cv: Resume, engine: Engine, first: number): Promise<{ engineMs: number; poolMs: number }> {
  const single = new TypstRenderPool({ size: 1 });
  try {
    const engineTimes: number[] = [];
    const poolTimes: number[] = [];
    for (let index = 0; index < SEQUENTIAL_WARMUP + SEQUENTIAL_RUNS; index++) {
      const data = variant(cv, first + index);
      const inEngine = (): Promise<number> => elapsedMs(() => engine.render(template, data));
      const inPool = (): Promise<number> => elapsedMs(() => single.render({ template, data }));
      let engineMs: number;
      let poolMs: number;
      if (index % 2 === 0) {
        engineMs = await inEngine();
        poolMs = await inPool();
      } else {
        poolMs = await inPool();
        engineMs = await inEngine();
      }
      if (index < SEQUENTIAL_WARMUP) continue;
      engineTimes.push(engineMs);
      poolTimes.push(poolMs);
    }
    return { engineMs: percentile(ascending(engineTimes), 50), poolMs: percentile(ascending(poolTimes), 50) };
  } finally {
    await single.close();
  }
}

/** Documents are numbered from `first` so no phase renders a document another phase's compiler has seen. */
async function measureTemplate(template: string, cv: Resume, engine: Engine, first: number): Promise<TemplateFigures> {
  const { pages } = engine.render(template, variant(cv, first));
  if (pages !== TARGET_PAGES) throw new Error(`${template}: the padded CV has ${pages} pages, not ${TARGET_PAGES}`);
  const { engineMs, poolMs } = await measureSequential(template, cv, engine, first + 1);
  const pool = new TypstRenderPool();
  let poolPerSecond: number;
  let poolSize: number;
  try {
    const offset = first + 1 + SEQUENTIAL_WARMUP + SEQUENTIAL_RUNS;
    await runConcurrently(THROUGHPUT_WARMUP, THROUGHPUT_CONCURRENCY, (index) => pool.render({ template, data: variant(cv, offset + index) }));
    poolSize = pool.processes().length;
    const started = performance.now();
    await runConcurrently(THROUGHPUT_DOCUMENTS, THROUGHPUT_CONCURRENCY, async (index) => {
      const rendered = await pool.render({ template, data: variant(cv, offset + THROUGHPUT_WARMUP + index) });
      if (rendered.pages !== TARGET_PAGES) throw new Error(`${template}: a document of the throughput phase has ${rendered.pages} pages, not ${TARGET_PAGES}`);
    });
    poolPerSecond = THROUGHPUT_DOCUMENTS / ((performance.now() - started) / 1000);
  } finally {
    await pool.close();
  }
  return { template, roles: cv.work.length, engineMs, poolMs, poolPerSecond, poolSize };
}

// --- WeasyPrint ------------------------------------------------------------------------------------

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function period(entry: { startDate?: string; endDate?: string }): string {
  const start = entry.startDate?.slice(0, 7);
  const end = entry.endDate?.slice(0, 7);
  if (start && end) return start === end ? start : `${start} – ${end}`;
  return start ? `${start} – Present` : (end ?? '');
}

interface HtmlEntry {
  title?: string;
  subtitle?: string;
  when?: string;
  where?: string;
  summary?: string;
  bullets?: string[];
}

function entryHtml(entry: HtmlEntry): string {
  const cell = (text: string | undefined, className: string): string => `<td class="${className}">${escapeHtml(text ?? '')}</td>`;
  return (
    `<div class="entry"><table class="head"><tr>${cell(entry.title, 'title')}${cell(entry.when, 'muted right')}</tr>` +
    `<tr>${cell(entry.subtitle, 'subtitle')}${cell(entry.where, 'muted right')}</tr></table>` +
    (entry.summary ? `<p>${escapeHtml(entry.summary)}</p>` : '') +
    (entry.bullets && entry.bullets.length > 0 ? `<ul>${entry.bullets.map((bullet) => `<li>${escapeHtml(bullet)}</li>`).join('')}</ul>` : '') +
    '</div>'
  );
}

function section(title: string, body: string): string {
  return `<section><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

type Listed = Record<string, unknown>;

function listOf(entry: Listed, key: string): Listed[] {
  const value = entry[key];
  return Array.isArray(value) ? (value as Listed[]) : [];
}

function text(entry: Listed, key: string): string | undefined {
  const value = entry[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function texts(entry: Listed, key: string): string[] {
  const value = entry[key];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];
}

/**
 * The classic template's page as HTML and CSS: the same text in the same order, the same fonts, sizes,
 * margins and accent. Tables, not CSS grid, which WeasyPrint before version 62 does not lay out. `__VARIANT__` in the summary is where each run changes its word.
 */
function cvHtml(cv: Resume): string {
  const fontFaces = bundledFonts.faces
    .filter((face) => face.family === 'Noto Sans')
    .map((face) => {
      const weight = face.path.includes('700') ? 700 : 400;
      const style = face.path.includes('Italic') ? 'italic' : 'normal';
      return `@font-face { font-family: "Noto Sans"; font-weight: ${weight}; font-style: ${style}; src: url("file://${face.path}"); }`;
    })
    .join('\n');
  const basics = cv.basics;
  const place = [basics.location?.city, basics.location?.region, basics.location?.countryCode].filter(Boolean).join(', ');
  const profiles = listOf(basics, 'profiles').map((profile) => [text(profile, 'network'), text(profile, 'username')].filter(Boolean).join(': '));
  const contact = [basics.email, basics.phone, basics.url, place, ...profiles].filter((part): part is string => Boolean(part));
  const work = cv.work.map((job) => entryHtml({ title: [job.position, job.name].filter(Boolean).join(' — '), subtitle: job.description, when: period(job), where: job.location, summary: job.summary, bullets: job.highlights }));
  const education = listOf(cv, 'education').map((school) => {
    const score = text(school, 'score');
    return entryHtml({
      title: text(school, 'institution'),
      subtitle: [text(school, 'studyType'), text(school, 'area')].filter(Boolean).join(', '),
      when: period(school),
      where: score ? `Score: ${score}` : undefined,
      bullets: texts(school, 'courses'),
    });
  });
  const skills = listOf(cv, 'skills')
    .map((skill) => `<tr><td class="bold">${escapeHtml([text(skill, 'name'), text(skill, 'level')].filter(Boolean).join(' · '))}</td><td>${escapeHtml(texts(skill, 'keywords').join(', '))}</td></tr>`)
    .join('');
  const projects = listOf(cv, 'projects').map((project) =>
    entryHtml({ title: text(project, 'name'), subtitle: text(project, 'description'), when: period(project), where: text(project, 'url'), bullets: texts(project, 'highlights') }),
  );
  const languages = listOf(cv, 'languages')
    .map((language) => [text(language, 'language'), text(language, 'fluency')].filter(Boolean).join(': '))
    .join('  ·  ');
  const summary = escapeHtml(basics.summary.replace('Tulsa', 'Tulsa__VARIANT__'));
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(basics.name)}</title><style>
${fontFaces}
@page { size: A4; margin: 16mm 18mm; }
body { font-family: "Noto Sans"; font-size: 10pt; line-height: 1.26; color: #000; }
header { text-align: center; }
h1 { font-size: 22pt; line-height: 1; color: #1f3a5f; margin: 0; }
.label { font-size: 12pt; color: #555; }
.contact { font-size: 9pt; }
h2 { font-size: 11.5pt; color: #1f3a5f; text-transform: uppercase; margin: 0.9em 0 0.3em; padding-bottom: 0.2em; border-bottom: 0.5pt solid #1f3a5f; }
.entry { margin-bottom: 0.5em; }
table { width: 100%; border-collapse: collapse; }
td { padding: 0; vertical-align: top; }
.head { line-height: 1.1; margin-bottom: 0.2em; }
.head { break-inside: avoid; }
.head td.right { padding-left: 1em; white-space: nowrap; }
.title, .bold { font-weight: bold; }
.subtitle { font-style: italic; }
.muted { color: #555; }
.right { text-align: right; }
p { margin: 0.3em 0; }
ul { margin: 0.2em 0; padding-left: 1.1em; }
li { margin: 0; }
.skills td { padding-bottom: 0.4em; }
.skills td.bold { width: 1%; white-space: nowrap; padding-right: 1em; }
</style></head><body>
<header><h1>${escapeHtml(basics.name)}</h1>${basics.label ? `<div class="label">${escapeHtml(basics.label)}</div>` : ''}<div class="contact">${escapeHtml(contact.join('  |  '))}</div></header>
${section('Summary', `<p>${summary}</p>`)}
${section('Experience', work.join(''))}
${section('Education', education.join(''))}
${section('Skills', `<table class="skills">${skills}</table>`)}
${section('Projects', projects.join(''))}
${section('Languages', `<p>${escapeHtml(languages)}</p>`)}
</body></html>`;
}

// Reads the page from stdin and renders it warm-up + runs times, each with its own word, in this one process.
const WEASYPRINT_SCRIPT = `
import json, sys, time
import weasyprint
page = sys.stdin.read()
warmup, runs, first = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
times, pages, size = [], 0, 0
for index in range(warmup + runs):
    started = time.perf_counter()
    document = weasyprint.HTML(string=page.replace("__VARIANT__", str(first + index)), base_url="/").render()
    pdf = document.write_pdf()
    elapsed = (time.perf_counter() - started) * 1000
    if index >= warmup:
        times.append(elapsed)
    pages, size = len(document.pages), len(pdf)
print(json.dumps({"version": weasyprint.__version__, "times": times, "pages": pages, "bytes": size}))
`;

interface WeasyPrintFigures {
  version: string;
  medianMs: number;
  pages: number;
}

async function runPython(python: string, args: readonly string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(input);
  const [code] = (await Promise.race([once(child, 'exit'), once(child, 'error').then(() => [null])])) as [number | null];
  return { code, stdout, stderr };
}

/** WeasyPrint's median, or why it could not run. */
async function measureWeasyPrint(cv: Resume): Promise<WeasyPrintFigures | string> {
  const problems: string[] = [];
  for (const python of PYTHONS) {
    const probe = await runPython(python, ['-c', 'import weasyprint'], '');
    if (probe.code !== 0) {
      problems.push(`${python}: ${probe.stderr.trim().split('\n').pop() ?? `exit ${String(probe.code)}`}`);
      continue;
    }
    const run = await runPython(python, ['-c', WEASYPRINT_SCRIPT, String(WEASYPRINT_WARMUP), String(WEASYPRINT_RUNS), '1'], cvHtml(cv));
    if (run.code !== 0) throw new Error(`WeasyPrint failed under ${python}: ${run.stderr.slice(-2000)}`);
    const result = JSON.parse(run.stdout) as { version: string; times: number[]; pages: number };
    return { version: result.version, medianMs: percentile(ascending(result.times), 50), pages: result.pages };
  }
  return problems.join('; ');
}

// --- Through the API -------------------------------------------------------------------------------

interface ApiFigures {
  postWaitP50: number;
  postWaitP99: number;
  healthP50: number;
  healthP99: number;
  healthIdleP99: number;
  atOnceSeconds: number;
  rssIdleMb: number;
  rssFirstMb: number;
  rssTotalMb: number;
  rssGrowthMb: number;
  childrenRssMb: number;
  renderChildren: number;
}

/** A questionnaire of a signed-in person, whose CV each render replaces with its own variant. */
interface Slot {
  authorization: string;
  questionnaire: number;
}

interface DocumentBody {
  id?: unknown;
  status?: unknown;
  pages?: unknown;
  bytes?: unknown;
  text_recall?: unknown;
}

async function call(baseUrl: string, method: 'GET' | 'POST', url: string, status: number, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<unknown> {
  const response = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = await response.text();
  if (response.status !== status) throw new Error(`${method} ${url} answered ${response.status}, not ${status}: ${body.slice(0, 500)}`);
  return body === '' ? undefined : (JSON.parse(body) as unknown);
}

async function newPerson(baseUrl: string): Promise<string> {
  const username = `bench${randomBytes(5).toString('hex')}`;
  const registered = (await call(baseUrl, 'POST', '/auth/registration/', 201, {
    body: { username, email: `${username}@example.org`, password1: PASSWORD, password2: PASSWORD },
  })) as { access?: unknown };
  if (typeof registered.access !== 'string') throw new Error('registration gave no access token');
  return `Bearer ${registered.access}`;
}

async function newSlot(baseUrl: string, authorization: string): Promise<Slot> {
  const questionnaire = (await call(baseUrl, 'POST', '/cv/questionnaire/', 201, {
    headers: { authorization },
    body: { position: 'Software Engineer', industry: 'Technology', experience_level: '3-5', company_size: 'medium', location: 'Remote', application_timeline: 'immediate', job_description: 'Compression engineer.' },
  })) as { id?: unknown };
  if (typeof questionnaire.id !== 'number') throw new Error('the questionnaire has no id');
  return { authorization, questionnaire: questionnaire.id };
}

/**
 * Gives the slot's questionnaire document `index` as its CV, then renders it within the request: 201,
 * succeeded, two pages. Answers the POST's ms and the document.
 */
async function renderThroughApi(baseUrl: string, slot: Slot, cv: Resume, index: number, waitSeconds: number): Promise<{ ms: number; document: DocumentBody }> {
  await call(baseUrl, 'POST', `/cv/questionnaire/${slot.questionnaire}/cv/import/`, 201, { headers: { authorization: slot.authorization }, body: variant(cv, index) });
  const started = performance.now();
  const document = (await call(baseUrl, 'POST', `/cv/questionnaire/${slot.questionnaire}/documents/`, 201, {
    headers: { authorization: slot.authorization, prefer: `wait=${waitSeconds}` },
    body: { template: PADDED_TEMPLATE, paper: 'a4', max_pages: TARGET_PAGES },
  })) as DocumentBody;
  const ms = performance.now() - started;
  if (document.status !== 'succeeded') throw new Error(`a document answered 201 with status ${String(document.status)}`);
  if (document.pages !== TARGET_PAGES) throw new Error(`a document has ${String(document.pages)} pages, not ${TARGET_PAGES}`);
  return { ms, document };
}

/** The first document's PDF, downloaded: it must be a PDF of the size the document states. */
async function checkDownload(baseUrl: string, slot: Slot, document: DocumentBody): Promise<void> {
  const response = await fetch(`${baseUrl}/cv/documents/${String(document.id)}/download/`, { headers: { authorization: slot.authorization }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const pdf = new Uint8Array(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`GET /cv/documents/${String(document.id)}/download/ answered ${response.status}`);
  if (new TextDecoder().decode(pdf.subarray(0, 5)) !== '%PDF-' || pdf.byteLength !== document.bytes) {
    throw new Error(`the download is not the document's PDF (${pdf.byteLength} bytes, the document says ${String(document.bytes)})`);
  }
}

/**
 * Runs documents `first` to `first + count - 1`, `lanes` at once; lane k renders every lanes-th document
 * in slot k, so no two renders of a slot overlap and each renders the CV its lane just imported.
 */
async function renderInLanes(baseUrl: string, slots: readonly Slot[], lanes: number, cv: Resume, first: number, count: number): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      const slot = slots[lane];
      if (!slot) throw new Error(`no slot for lane ${lane}`);
      for (let index = lane; index < count; index += lanes) times.push((await renderThroughApi(baseUrl, slot, cv, first + index, PREFER_WAIT_UNDER_LOAD_SECONDS)).ms);
    }),
  );
  return times;
}

function rssMb(pid: number | 'self'): number {
  const status = readProcFile(`/proc/${pid}/status`);
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status ?? '');
  return match ? Number(match[1]) / 1024 : 0;
}

// A process may end between listing /proc and reading it.
function readProcFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The children of process `parent` that run the Typst render child. */
function renderChildren(parent: number = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcFile(`/proc/${entry}/stat`);
    // The parent pid is the second field after the parenthesised command, which may itself hold spaces.
    const parentOf = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
    if (parentOf !== parent) continue;
    if (readProcFile(`/proc/${entry}/cmdline`)?.includes('typst-child')) pids.push(Number(entry));
  }
  return pids;
}

/** Resident memory of service processes and their render children, in MB. */
function processesRssMb(pids: readonly number[]): number {
  return pids.flatMap((pid) => [pid, ...renderChildren(pid)]).reduce((sum, pid) => sum + rssMb(pid), 0);
}

/**
 * The service's resident memory: this process and its render children, and theirs alone. Garbage is
 * collected first when node runs with --expose-gc (as `npm run bench:render` does), so the figure is
 * what is kept, not when the last collection happened to run.
 */
function serviceRss(): { mb: number; childrenMb: number; children: number } {
  globalThis.gc?.();
  const children = renderChildren();
  const childrenMb = children.reduce((sum, pid) => sum + rssMb(pid), 0);
  return { mb: rssMb('self') + childrenMb, childrenMb, children: children.length };
}

function benchmarkApi(cv: Resume) {
  return async (layout: Layout): Promise<ApiFigures> => {
    const app = await buildApp(layout.services, layout.features);
    const worker = startWorker(layout.services, layout.features);
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const idleRss = serviceRss();
      const people = await Promise.all(Array.from({ length: PEOPLE }, () => newPerson(baseUrl)));
      const slots: Slot[] = [];
      for (let index = 0; index < RENDERS_AT_ONCE; index++) slots.push(await newSlot(baseUrl, people[index % PEOPLE] as string));
      let next = 0;

      const firstSlot = slots[0] as Slot;
      const firstDocument = (await renderThroughApi(baseUrl, firstSlot, cv, next++, PREFER_WAIT_SECONDS)).document;
      await checkDownload(baseUrl, firstSlot, firstDocument);
      const sequential = await timeSequential(API_RUNS, () => renderThroughApi(baseUrl, firstSlot, cv, next++, PREFER_WAIT_SECONDS), API_WARMUP);

      const health = (): Promise<number> => elapsedMs(() => call(baseUrl, 'GET', '/core/health/', 200));
      const idle: number[] = [];
      for (let index = 0; index < 200; index++) idle.push(await health());
      const during: number[] = [];
      let rendering = true;
      const started = performance.now();
      const renders = renderInLanes(baseUrl, slots, RENDERS_AT_ONCE, cv, next, RENDERS_AT_ONCE).finally(() => (rendering = false));
      const probe = (async () => {
        while (rendering) {
          during.push(await health());
          await sleep(10);
        }
      })();
      await Promise.all([renders, probe]);
      const atOnceMs = performance.now() - started;
      next += RENDERS_AT_ONCE;

      // Memory: after the first 100 distinct renders of this phase, then after 2000.
      await renderInLanes(baseUrl, slots, MEMORY_CONCURRENCY, cv, next, MEMORY_FIRST);
      next += MEMORY_FIRST;
      const first = serviceRss();
      await renderInLanes(baseUrl, slots, MEMORY_CONCURRENCY, cv, next, MEMORY_TOTAL - MEMORY_FIRST);
      next += MEMORY_TOTAL - MEMORY_FIRST;
      const total = serviceRss();

      const duringSorted = ascending(during);
      const idleSorted = ascending(idle);
      console.log(
        `${layout.name}: first document ${String(firstDocument.pages)} pages, ${String(firstDocument.bytes)} bytes, text_recall ${String(firstDocument.text_recall)}; ` +
          `${sequential.sorted.length} documents one after another, then ${RENDERS_AT_ONCE} at once in ${(atOnceMs / 1000).toFixed(1)} s ` +
          `(${during.length} health probes meanwhile), then ${MEMORY_TOTAL} distinct ones ${MEMORY_CONCURRENCY} at once; ${total.children} render children at the end`,
      );
      return {
        postWaitP50: percentile(sequential.sorted, 50),
        postWaitP99: percentile(sequential.sorted, 99),
        healthIdleP99: percentile(idleSorted, 99),
        healthP50: percentile(duringSorted, 50),
        healthP99: percentile(duringSorted, 99),
        atOnceSeconds: atOnceMs / 1000,
        rssIdleMb: idleRss.mb,
        rssFirstMb: first.mb,
        rssTotalMb: total.mb,
        rssGrowthMb: total.mb - first.mb,
        childrenRssMb: total.childrenMb,
        renderChildren: total.children,
      };
    } finally {
      await worker.stop(WORKER_GRACE_MS);
      await app.close();
    }
  };
}

const API_TABLE: TableRow<ApiFigures>[] = [
  [`POST …/documents/ Prefer: wait, p50 (ms)`, 'postWaitP50', 1],
  [`POST …/documents/ Prefer: wait, p99 (ms)`, 'postWaitP99', 1],
  ['GET /core/health/ idle, p99 (ms)', 'healthIdleP99', 1],
  [`GET /core/health/ during ${RENDERS_AT_ONCE} renders, p50 (ms)*`, 'healthP50', 1],
  [`GET /core/health/ during ${RENDERS_AT_ONCE} renders, p99 (ms)*`, 'healthP99', 1],
  [`${RENDERS_AT_ONCE} renders at once, wall (s)`, 'atOnceSeconds', 2],
  ['service RSS before any render (MB)', 'rssIdleMb', 0],
  [`service RSS after ${MEMORY_FIRST} renders (MB)`, 'rssFirstMb', 0],
  [`service RSS after ${MEMORY_TOTAL} renders (MB)`, 'rssTotalMb', 0],
  [`RSS growth, ${MEMORY_FIRST} → ${MEMORY_TOTAL} (MB)`, 'rssGrowthMb', 0],
  [`of which render children after ${MEMORY_TOTAL} (MB)`, 'childrenRssMb', 0],
  ['render children at the end', 'renderChildren', 0],
];

// --- The service in processes of its own ------------------------------------------------------------

interface ServiceHealthFigures {
  /** The service's processes and their render children, after the first 100 distinct renders and after 2000. */
  rssFirstMb: number;
  rssTotalMb: number;
  /** While the 100 requests are being accepted (each answered 202 at once). */
  acceptingP99: number;
  /** While the 100 renders run, after every request has been answered. */
  healthP50: number;
  healthP99: number;
  probes: number;
  renderSeconds: number;
}

/** Health's latency, measured every 10 ms until `done` resolves. */
async function healthUntil(baseUrl: string, done: Promise<unknown>): Promise<number[]> {
  let running = true;
  void done.finally(() => (running = false));
  const times: number[] = [];
  while (running) {
    times.push(await elapsedMs(() => call(baseUrl, 'GET', '/core/health/', 200)));
    await sleep(10);
  }
  await done;
  return ascending(times);
}

/** Resolves once none of the person's documents is queued or running (looked at every 250 ms). */
async function documentsSettled(baseUrl: string, authorization: string, count: number): Promise<void> {
  for (;;) {
    const page = (await call(baseUrl, 'GET', `/cv/documents/?page=1&page_size=${count}`, 200, { headers: { authorization } })) as { results: DocumentBody[] };
    const failed = page.results.find((document) => document.status === 'failed');
    if (failed) throw new Error(`document ${String(failed.id)} failed`);
    if (page.results.every((document) => document.status === 'succeeded')) return;
    await sleep(250);
  }
}

/**
 * Health while RENDERS_AT_ONCE documents render, with the built service in processes of its own, as
 * deployed (`serve --with-worker` embedded; `migrate`, `worker` and `serve` in scale-out): the figures
 * above share one event loop with the benchmark's own HTTP client, which is no service's lot. The
 * documents are asked for without waiting (202 each), then health is timed while they render.
 */
async function healthInOwnProcesses(run: Run, layout: Layout['name'], cv: Resume, scaleOut?: { databaseUrl: string; redis: { url: string; keyPrefix: string } }): Promise<ServiceHealthFigures> {
  const started: LoggedChild[] = [];
  try {
    let api: LoggedChild;
    if (layout === 'embedded') {
      await run.liftFreePlan({ DATA_DIR: path.join(run.dir, 'embedded-data') });
      api = await run.startService('embedded', ['serve', '--with-worker'], { DATA_DIR: path.join(run.dir, 'embedded-data'), PORT: '0' });
      started.push(api);
    } else {
      if (!scaleOut) throw new Error('the scale-out layout needs PostgreSQL and Redis');
      const env = {
        DATABASE_URL: scaleOut.databaseUrl,
        REDIS_URL: scaleOut.redis.url,
        REDIS_KEY_PREFIX: scaleOut.redis.keyPrefix,
        SECRET_KEY: BENCH_SECRET_KEY,
        DATA_DIR: path.join(run.dir, 'scale-out-files'),
        PORT: '0',
      };
      await (await run.startService('scale-out-migrate', ['migrate'], env)).waitForSuccess();
      await run.liftFreePlan(env);
      const worker = await run.startService('scale-out-worker', ['worker'], env);
      started.push(worker);
      await worker.waitForLog(READY);
      api = await run.startService('scale-out-serve', ['serve'], env);
      started.push(api);
    }
    const baseUrl = await listeningAddress(api);
    await api.waitForLog(READY);
    await waitUntilHealthy(baseUrl);
    const person = await newPerson(baseUrl);
    const slots: Slot[] = [];
    for (let index = 0; index < RENDERS_AT_ONCE; index++) {
      const slot = await newSlot(baseUrl, person);
      await call(baseUrl, 'POST', `/cv/questionnaire/${slot.questionnaire}/cv/import/`, 201, { headers: { authorization: person }, body: variant(cv, index + 1) });
      slots.push(slot);
    }
    // One document first, so the render children and the text reader are warm.
    await renderThroughApi(baseUrl, slots[0] as Slot, cv, 0, PREFER_WAIT_SECONDS);

    const accepted = Promise.all(
      slots.map((slot) =>
        call(baseUrl, 'POST', `/cv/questionnaire/${slot.questionnaire}/documents/`, 202, {
          headers: { authorization: person },
          body: { template: PADDED_TEMPLATE, paper: 'a4', max_pages: TARGET_PAGES },
        }),
      ),
    );
    const accepting = await healthUntil(baseUrl, accepted);
    const begun = performance.now();
    const rendering = await healthUntil(baseUrl, documentsSettled(baseUrl, person, RENDERS_AT_ONCE));
    const renderSeconds = (performance.now() - begun) / 1000;

    // Memory of the service's own processes: after these first 100 distinct renders, then after 2000.
    const pids = started.map((child) => child.pid);
    const rssFirstMb = processesRssMb(pids);
    await renderInLanes(baseUrl, slots, MEMORY_CONCURRENCY, cv, RENDERS_AT_ONCE + 1, MEMORY_TOTAL - MEMORY_FIRST);
    const rssTotalMb = processesRssMb(pids);
    return {
      rssFirstMb,
      rssTotalMb,
      acceptingP99: percentile(accepting, 99),
      healthP50: percentile(rendering, 50),
      healthP99: percentile(rendering, 99),
      probes: rendering.length,
      renderSeconds,
    };
  } finally {
    for (const child of started.reverse()) await child.stop();
  }
}

async function benchmarkOwnProcesses(cv: Resume): Promise<Partial<Record<Layout['name'], ServiceHealthFigures>>> {
  await buildService();
  const cleanup = new Cleanup();
  cleanUpOnSignals(cleanup);
  const figures: Partial<Record<Layout['name'], ServiceHealthFigures>> = {};
  try {
    const dir = await mkdtemp(path.join(tmpdir(), 'cvimprover-bench-render-'));
    cleanup.add(`the directory ${dir}`, () => rm(dir, { recursive: true, force: true }));
    const run = new Run(dir, cleanup);
    figures.embedded = await healthInOwnProcesses(run, 'embedded', cv);
    if (!(await scaleOutProblem())) {
      const database = await createBenchDatabase();
      cleanup.add('the database', () => database.drop());
      const redis = benchRedis();
      cleanup.add(`the Redis keys ${redis.keyPrefix}:*`, () => deleteRedisKeys(redis.keyPrefix));
      figures['scale-out'] = await healthInOwnProcesses(run, 'scale-out', cv, { databaseUrl: database.url, redis });
    }
  } finally {
    await cleanup.run();
  }
  return figures;
}

function printOwnProcesses(figures: Partial<Record<Layout['name'], ServiceHealthFigures>>): void {
  console.log('');
  const lines = Object.entries(figures).map(([name, figure]) => [
    name,
    figure.acceptingP99.toFixed(1),
    figure.healthP50.toFixed(1),
    figure.healthP99.toFixed(1),
    String(figure.probes),
    figure.renderSeconds.toFixed(2),
    figure.rssFirstMb.toFixed(0),
    figure.rssTotalMb.toFixed(0),
    (figure.rssTotalMb - figure.rssFirstMb).toFixed(0),
  ]);
  printColumns(
    [
      'service in its own processes',
      `health p99 while ${RENDERS_AT_ONCE} requests arrive (ms)`,
      'health p50 while they render (ms)',
      'health p99 (ms)',
      'health calls',
      'rendering, wall (s)',
      `RSS after ${MEMORY_FIRST} (MB)`,
      `after ${MEMORY_TOTAL} (MB)`,
      'growth (MB)',
    ],
    lines,
  );
  console.log("* above: the service in the benchmark's own process, sharing its event loop with the benchmark's HTTP client.");
}

// --- Main ------------------------------------------------------------------------------------------

function ratio(value: number, ceiling: number): string {
  return `${(value / ceiling).toFixed(2)}x`;
}

async function main(): Promise<void> {
  const sample = JSON.parse(await readFile(RESUME_FILE, 'utf8')) as Resume;
  // Padded in a pool closed at once: this process holds no compiler while the service's memory is measured.
  const padding = new TypstRenderPool({ size: 1 });
  const templates = await templateNames();
  const cvs = new Map<string, Resume>();
  try {
    for (const template of templates) cvs.set(template, await twoPageCv(sample, padding, template));
  } finally {
    await padding.close();
  }
  const cv = cvs.get(PADDED_TEMPLATE);
  if (!cv) throw new Error(`no ${PADDED_TEMPLATE} template in ${TEMPLATES_DIR}`);

  const api: Partial<Record<Layout['name'], ApiFigures>> = {};
  await benchmarkLayouts(
    async (layout) => {
      const figures = await benchmarkApi(cv)(layout);
      api[layout.name] = figures;
      return figures;
    },
    API_TABLE,
    { OVERLOAD_EVENT_LOOP_DELAY_MS: '0' },
  );

  printOwnProcesses(await benchmarkOwnProcesses(cv));

  const engine = new Engine();
  const figures: TemplateFigures[] = [];
  for (const [index, template] of templates.entries()) figures.push(await measureTemplate(template, cvs.get(template) as Resume, engine, 100_000 * (index + 1)));
  const weasy = await measureWeasyPrint(cv);

  const classic = figures.find((figure) => figure.template === PADDED_TEMPLATE);
  if (!classic) throw new Error(`no ${PADDED_TEMPLATE} template`);

  console.log('');
  const lines: string[][] = [];
  for (const figure of figures) {
    const ceilingPerSecond = (figure.poolSize * 1000) / figure.engineMs;
    lines.push([`${figure.template} (${figure.roles} roles)`, 'ceiling: Typst engine alone, median (ms)', figure.engineMs.toFixed(1), '1.00x']);
    lines.push(['', 'pool, 1 warm child, sequential, median (ms)', figure.poolMs.toFixed(1), ratio(figure.poolMs, figure.engineMs)]);
    lines.push(['', `pool of ${figure.poolSize}, ${THROUGHPUT_CONCURRENCY} at once (documents/s)`, figure.poolPerSecond.toFixed(1), ratio(figure.poolPerSecond, ceilingPerSecond)]);
  }
  const ceiling = classic.engineMs;
  if (typeof weasy === 'string') {
    lines.push(['WeasyPrint', 'skipped: module not found', '-', '-']);
  } else {
    lines.push([`WeasyPrint ${weasy.version} (${weasy.pages} pages)`, 'same CV as HTML, warm, median (ms)', weasy.medianMs.toFixed(1), ratio(weasy.medianMs, ceiling)]);
  }
  for (const [name, result] of Object.entries(api)) {
    lines.push([`API, ${name}`, `POST …/documents/ Prefer: wait, p50 (ms)`, result.postWaitP50.toFixed(1), ratio(result.postWaitP50, ceiling)]);
  }
  printColumns(['what', 'figure', 'value', `÷ ceiling`], lines, 2);
  console.log(
    `\nRatios: ms figures ÷ the template's engine median (WeasyPrint and the API ÷ ${PADDED_TEMPLATE}'s); documents/s ÷ (pool size × 1000 ÷ engine median), ` +
      `as if each child rendered at the engine's pace. ${SEQUENTIAL_RUNS} documents after ${SEQUENTIAL_WARMUP} warm-ups; ${THROUGHPUT_DOCUMENTS} for the pool's rate; ` +
      `${WEASYPRINT_RUNS} for WeasyPrint after ${WEASYPRINT_WARMUP}.`,
  );
  if (typeof weasy === 'string') console.log(`WeasyPrint skipped: ${weasy}`);
}

await main();
