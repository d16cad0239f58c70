// The child process behind `TypstRenderPool`: one Typst compiler, reused across renders, so fonts are
// loaded once and repeated layout is memoised. Its memory only grows, which is why the pool retires it.
import { readFileSync } from 'node:fs';
import { NodeCompiler, type NodeTypstDocument } from '@myriaddreamin/typst-ts-node-compiler';
import { Resvg } from '@resvg/resvg-js';
import { runAsBatchWork } from '../cpu/batch-priority.js';

/** What a render gives: the whole document as PDF, or its first page as a PNG this many pixels wide. */
export type ChildOutput = { format: 'pdf' } | { format: 'png'; widthPx: number };

/** A job from the pool: the template's path, its `sys.inputs` (the CV as JSON text among them), the output. */
export interface ChildRenderRequest {
  type: 'render';
  id: number;
  templatePath: string;
  inputs: Record<string, string>;
  output: ChildOutput;
}

/** What the child says: ready once, then one answer per job, each with the child's resident memory. */
export type ChildMessage =
  | { type: 'ready'; rssBytes: number }
  | { type: 'rendered'; id: number; bytes: Uint8Array; pages: number; heightPx?: number; rssBytes: number }
  | { type: 'failed'; id: number; message: string; rssBytes: number };

// Rendering is batch work: below the API's priority, so requests stay quick while many documents render.
runAsBatchWork();

// Started with the templates folder, then the font files to load, as its arguments.
const [templatesDir, ...fontPaths] = process.argv.slice(2);
// The templates folder is the workspace (Typst root): a template reads nothing outside it. The fonts are
// given as files, not folders, so only the faces the templates use are loaded.
const compiler = NodeCompiler.create({
  workspace: templatesDir ?? process.cwd(),
  fontArgs: [{ fontBlobs: fontPaths.map((path) => readFileSync(path)) }],
});

function render(request: ChildRenderRequest): ChildMessage {
  const compiled = compiler.compile({ mainFilePath: request.templatePath, inputs: request.inputs });
  const failure = compiled.takeError();
  const document: NodeTypstDocument | null = compiled.result;
  if (failure || !document) {
    return { type: 'failed', id: request.id, message: describeFailure(failure), rssBytes: process.memoryUsage.rss() };
  }
  if (request.output.format === 'png') {
    const image = new Resvg(firstPageSvg(compiler.svg(document)), { fitTo: { mode: 'width', value: request.output.widthPx }, background: 'white', font: { loadSystemFonts: false } }).render();
    const png = asBytes(image.asPng());
    return { type: 'rendered', id: request.id, bytes: png, pages: document.numOfPages, heightPx: image.height, rssBytes: process.memoryUsage.rss() };
  }
  const pdf = asBytes(compiler.pdf(document));
  return { type: 'rendered', id: request.id, bytes: pdf, pages: document.numOfPages, rssBytes: process.memoryUsage.rss() };
}

function asBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

const pageOpening = '<g class="typst-page"';

/**
 * The compiler's SVG (glyphs drawn as paths) cut to its first page. It stacks the pages one under the
 * other; the later ones are dropped and the canvas shrunk to the first. Its stylesheet is written for
 * browsers (colours through CSS variables a rasteriser does not resolve): only the rule that hides the
 * link areas is kept, so glyphs take the colours set on them.
 */
function firstPageSvg(svg: string): string {
  const size = /<g class="typst-page"[^>]*? data-page-width="([\d.]+)" data-page-height="([\d.]+)"/.exec(svg);
  if (!size) return svg;
  const [, width, height] = size;
  const second = svg.indexOf(pageOpening, svg.indexOf(pageOpening) + pageOpening.length);
  const onePage = second < 0 ? svg : `${svg.slice(0, second)}</svg>`;
  return onePage
    .replace(/<style[^>]*>[\s\S]*?<\/style>/, '<style>.pseudo-link { fill: transparent; }</style>')
    .replace(/ viewBox="[^"]*" width="[^"]*" height="[^"]*"/, ` viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"`);
}

function describeFailure(failure: Parameters<NodeCompiler['fetchDiagnostics']>[0] | null): string {
  if (!failure) return 'The compiler gave no document.';
  const diagnostics: unknown[] = compiler.fetchDiagnostics(failure);
  const messages = diagnostics.map((diagnostic) => (isMessage(diagnostic) ? diagnostic.message : JSON.stringify(diagnostic)));
  return messages.length > 0 ? messages.join('; ') : `Typst failed (${failure.kind}).`;
}

function isMessage(value: unknown): value is { message: string } {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

function answer(message: ChildMessage): void {
  process.send?.(message);
}

process.on('message', (request: ChildRenderRequest) => {
  try {
    answer(render(request));
  } catch (error) {
    answer({ type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error), rssBytes: process.memoryUsage.rss() });
  }
});
// The pool closing its end of the channel is the signal to stop.
process.on('disconnect', () => process.exit(0));
answer({ type: 'ready', rssBytes: process.memoryUsage.rss() });
