import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot, siblingModulePath } from '../../paths.js';
import {
  defaultTemplateOptions,
  RenderError,
  type PdfRenderer,
  type PreviewOptions,
  type RenderedPdf,
  type RenderedPreview,
  type RenderInput,
  type RenderOptions,
  type TemplateOptions,
} from './pdf-renderer.js';
import { bundledFonts, describeCharacters, FontCoverage, printedText, type FontSet } from './fonts.js';
import { cvDirection } from './text-direction.js';
import { guessCvLanguage } from './cv-language.js';
import type { ChildMessage, ChildOutput, ChildRenderRequest } from './typst-child.js';

/** The names under which templates read their inputs: `json(bytes(sys.inputs.cv))` and the like. */
export const templateInputs = {
  /** The CV as JSON text. */
  cv: 'cv',
  /** The font families to use, first choice first, as a JSON array. */
  fonts: 'fonts',
  /** `ltr` or `rtl`: the direction the CV's own text runs in. */
  dir: 'dir',
  /** The `TemplateOptions` as JSON, with snake_case keys: `paper`, `accent`, `font_size`, `spacing`, `lang`. */
  options: 'options',
} as const;

export interface TypstPoolOptions {
  /** Child processes rendering side by side. */
  size?: number;
  /** Renders after which a child is replaced (the compiler's memory grows with each distinct document). */
  maxRenders?: number;
  /** Resident memory past which a child is replaced, as it reports it after a render. */
  maxRssBytes?: number;
  /** A render running longer kills its child and fails with `render_timeout`. */
  timeoutMs?: number;
  /** A child with no work this long ends: an API process that drew a few previews does not keep its memory. */
  idleTimeoutMs?: number;
  /** Where `<template>.typ` files are read from; also the Typst root they cannot read outside of. */
  templatesDir?: string;
  /** The fonts the children load; a CV with a character none of them covers fails with `missing_glyphs`. */
  fonts?: FontSet;
  /** Called after each successful render, with the child that served it (for metrics). */
  onRendered?: (info: { pid: number; rssBytes: number; renders: number }) => void;
}

const defaults = {
  size: 2,
  maxRenders: 200,
  maxRssBytes: 400 * 1024 * 1024,
  timeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  templatesDir: join(packageRoot, 'src', 'templates'),
  fonts: bundledFonts,
};

const templateNamePattern = /^[a-z][a-z0-9-]{0,63}$/;

/** What a child gives back for a job: the output's bytes, the page count, and a PNG's height. */
interface JobResult {
  bytes: Uint8Array;
  pages: number;
  heightPx?: number;
}

const previewWidthPx = { min: 16, max: 4000 };

interface Job {
  templatePath: string;
  inputs: Record<string, string>;
  output: ChildOutput;
  attempts: number;
  settled: boolean;
  resolve: (result: JobResult) => void;
  reject: (error: RenderError) => void;
}

interface Child {
  process: ChildProcess;
  pid: number;
  ready: boolean;
  renders: number;
  job?: { id: number; job: Job; timer: NodeJS.Timeout };
  /** Running while the child waits for work; it ends the child when it fires. */
  idleTimer?: NodeJS.Timeout;
  /** Set once the pool has let it go: its exit is then expected. */
  retired: boolean;
}

/**
 * Renders Typst templates in a few child processes, each with one compiler reused across renders.
 * A child is retired after `maxRenders` or past `maxRssBytes`, only once its render is done; a child
 * that dies mid-render is replaced and the render retried once on another; one that overruns
 * `timeoutMs` is killed and its render fails with `render_timeout`.
 */
export class TypstRenderPool implements PdfRenderer {
  private readonly options: Required<Omit<TypstPoolOptions, 'onRendered'>> & Pick<TypstPoolOptions, 'onRendered'>;
  private readonly entry = siblingModulePath(import.meta.url, 'typst-child');
  private readonly children = new Set<Child>();
  private readonly queue: Job[] = [];
  private nextJobId = 1;
  private closed = false;
  private coverage?: FontCoverage;
  private coverageLoading?: Promise<FontCoverage>;

  constructor(options: TypstPoolOptions = {}) {
    this.options = { ...defaults, ...options };
  }

  async render(input: RenderInput, options: RenderOptions = {}): Promise<RenderedPdf> {
    const { bytes, pages } = await this.run(input, { format: 'pdf' }, options);
    return { pdf: bytes, pages };
  }

  /** Page 1 as a PNG, drawn in the child from the compiler's SVG (glyphs as paths, so no font lookup). */
  async renderPreview(input: RenderInput, options: PreviewOptions): Promise<RenderedPreview> {
    const { widthPx } = options;
    if (!Number.isInteger(widthPx) || widthPx < previewWidthPx.min || widthPx > previewWidthPx.max) {
      throw new RenderError('render_failed', `A preview is ${previewWidthPx.min} to ${previewWidthPx.max} pixels wide, not ${widthPx}.`);
    }
    const { bytes, pages, heightPx } = await this.run(input, { format: 'png', widthPx }, options);
    return { png: bytes, pages, widthPx, heightPx: heightPx ?? 0 };
  }

  private async run(input: RenderInput, output: ChildOutput, options: RenderOptions): Promise<JobResult> {
    if (this.closed) throw new RenderError('renderer_closed', 'The renderer is closed.');
    if (!templateNamePattern.test(input.template)) throw new RenderError('render_failed', `No template named "${input.template}".`);
    const { signal } = options;
    if (signal?.aborted) throw new RenderError('render_aborted', 'The render was aborted.');
    // Once the fonts are read there is no await here, so a render is queued in the tick it is asked for.
    const coverage = this.coverage ?? (await this.loadCoverage());
    refuseMissingGlyphs(coverage, input.data);
    if (signal?.aborted) throw new RenderError('render_aborted', 'The render was aborted.');
    const inputs = typstInputs(input, this.options.fonts);
    return new Promise<JobResult>((resolve, reject) => {
      const onAbort = (): void => {
        // A render in flight runs to its end (a compile cannot be interrupted) and its answer is dropped.
        const queued = this.queue.indexOf(job);
        if (queued >= 0) this.queue.splice(queued, 1);
        settle(() => reject(new RenderError('render_aborted', 'The render was aborted.')));
      };
      const settle = (finish: () => void): void => {
        if (job.settled) return;
        job.settled = true;
        signal?.removeEventListener('abort', onAbort);
        finish();
      };
      const job: Job = {
        templatePath: join(this.options.templatesDir, `${input.template}.typ`),
        inputs,
        output,
        attempts: 0,
        settled: false,
        resolve: (rendered) => settle(() => resolve(rendered)),
        reject: (error) => settle(() => reject(error)),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.dispatch();
    });
  }

  private async loadCoverage(): Promise<FontCoverage> {
    this.coverageLoading ??= FontCoverage.load(this.options.fonts);
    try {
      this.coverage = await this.coverageLoading;
      return this.coverage;
    } catch (error) {
      this.coverageLoading = undefined;
      throw new RenderError('render_failed', `The fonts could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The children's process ids, with the renders each has served and whether one is in flight. */
  processes(): { pid: number; renders: number; busy: boolean }[] {
    return [...this.children].map((child) => ({ pid: child.pid, renders: child.renders, busy: child.job !== undefined }));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new RenderError('renderer_closed', 'The renderer was closed.'));
    await Promise.all([...this.children].map((child) => this.retire(child, 'SIGKILL')));
  }

  private dispatch(): void {
    this.dropSettled();
    for (const child of this.children) {
      if (this.queue.length === 0) break;
      if (child.ready && !child.retired && !child.job) this.send(child, this.queue.shift() as Job);
    }
    for (const child of this.children) if (child.ready && !child.retired && !child.job) this.armIdleTimer(child);
    const starting = [...this.children].filter((child) => !child.ready && !child.retired).length;
    const missing = Math.min(this.queue.length - starting, this.options.size - this.liveChildren());
    for (let index = 0; index < missing; index++) this.spawn();
  }

  private armIdleTimer(child: Child): void {
    if (child.idleTimer || this.closed) return;
    child.idleTimer = setTimeout(() => {
      child.idleTimer = undefined;
      if (!child.job && !child.retired) void this.retire(child, 'SIGTERM');
    }, this.options.idleTimeoutMs);
    child.idleTimer.unref();
  }

  private dropSettled(): void {
    for (let index = this.queue.length - 1; index >= 0; index--) if (this.queue[index]?.settled) this.queue.splice(index, 1);
  }

  private liveChildren(): number {
    return [...this.children].filter((child) => !child.retired).length;
  }

  private send(child: Child, job: Job): void {
    clearTimeout(child.idleTimer);
    child.idleTimer = undefined;
    const id = this.nextJobId++;
    job.attempts++;
    const timer = setTimeout(() => this.timeOut(child), this.options.timeoutMs);
    child.job = { id, job, timer };
    const request: ChildRenderRequest = { type: 'render', id, templatePath: job.templatePath, inputs: job.inputs, output: job.output };
    child.process.send(request);
  }

  private spawn(): void {
    const process = fork(this.entry, [this.options.templatesDir, ...this.options.fonts.faces.map((face) => face.path)], {
      // Sources run under tsx (tests, development); built code needs no loader.
      execArgv: this.entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const child: Child = { process, pid: process.pid ?? -1, ready: false, renders: 0, retired: false };
    this.children.add(child);
    process.on('message', (message: ChildMessage) => this.onMessage(child, message));
    process.once('exit', () => this.onExit(child));
    process.once('error', () => process.kill('SIGKILL'));
  }

  private onMessage(child: Child, message: ChildMessage): void {
    if (message.type === 'ready') {
      child.ready = true;
      this.dispatch();
      return;
    }
    const current = child.job;
    if (!current || current.id !== message.id) return;
    clearTimeout(current.timer);
    child.job = undefined;
    child.renders++;
    if (message.type === 'rendered') {
      current.job.resolve({ bytes: message.bytes, pages: message.pages, heightPx: message.heightPx });
      this.options.onRendered?.({ pid: child.pid, rssBytes: message.rssBytes, renders: child.renders });
    } else {
      current.job.reject(new RenderError('render_failed', message.message));
    }
    if (child.renders >= this.options.maxRenders || message.rssBytes > this.options.maxRssBytes) void this.retire(child, 'SIGTERM');
    this.dispatch();
  }

  private timeOut(child: Child): void {
    const current = child.job;
    if (!current) return;
    child.job = undefined;
    current.job.reject(new RenderError('render_timeout', `The render took longer than ${this.options.timeoutMs} ms.`));
    void this.retire(child, 'SIGKILL');
    this.dispatch();
  }

  private onExit(child: Child): void {
    this.children.delete(child);
    clearTimeout(child.idleTimer);
    const current = child.job;
    child.job = undefined;
    if (current) {
      clearTimeout(current.timer);
      if (current.job.attempts < 2 && !this.closed) this.queue.unshift(current.job);
      else current.job.reject(new RenderError('render_failed', 'The renderer process ended during the render.'));
    }
    if (!child.ready && !child.retired && !current) {
      // A child that dies before it can take work would die again: fail what waits rather than loop.
      for (const job of this.queue.splice(0)) job.reject(new RenderError('render_failed', 'The renderer process could not start.'));
    }
    if (!this.closed) this.dispatch();
  }

  private async retire(child: Child, signal: NodeJS.Signals): Promise<void> {
    child.retired = true;
    clearTimeout(child.idleTimer);
    if (child.process.exitCode !== null || child.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
    child.process.kill(signal);
    await exited;
  }
}

// Typst draws a character no font has as an empty box and says nothing: refuse such a CV instead.
function refuseMissingGlyphs(coverage: FontCoverage, data: unknown): void {
  const missing = coverage.missingCharacters(printedText(data));
  if (missing.length > 0) {
    throw new RenderError('missing_glyphs', `No font can draw ${describeCharacters(missing)}.`, { characters: missing });
  }
}

/** The `sys.inputs` a template compiles with for `input`: what the pool sends its children. */
export function typstInputs(input: RenderInput, fonts: FontSet): Record<string, string> {
  return {
    [templateInputs.cv]: JSON.stringify(input.data ?? null),
    [templateInputs.fonts]: JSON.stringify(fonts.families),
    [templateInputs.dir]: cvDirection(input.data),
    [templateInputs.options]: JSON.stringify(typstOptions(templateOptions(input))),
  };
}

// Without a language asked for, the CV's own labels its sections and is declared as the PDF's language.
function templateOptions(input: RenderInput): TemplateOptions {
  return { ...defaultTemplateOptions, ...input.options, language: input.options?.language ?? guessCvLanguage(input.data) };
}

function typstOptions(options: TemplateOptions): Record<string, string | number> {
  return { paper: options.paper, accent: options.accent, font_size: options.fontSize, spacing: options.spacing, lang: options.language };
}
