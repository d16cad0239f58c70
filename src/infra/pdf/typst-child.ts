// The child process behind `TypstRenderPool`: one Typst compiler, reused across renders, so fonts are
// loaded once and repeated layout is memoised. Its memory only grows, which is why the pool retires it.
import { readFileSync } from 'node:fs';
import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';

/** A job from the pool: the template's path and its `sys.inputs` (the CV as JSON text among them). */
export interface ChildRenderRequest {
  type: 'render';
  id: number;
  templatePath: string;
  inputs: Record<string, string>;
}

/** What the child says: ready once, then one answer per job, each with the child's resident memory. */
export type ChildMessage =
  | { type: 'ready'; rssBytes: number }
  | { type: 'rendered'; id: number; pdf: Uint8Array; pages: number; rssBytes: number }
  | { type: 'failed'; id: number; message: string; rssBytes: number };

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
  const document = compiled.result;
  if (failure || !document) {
    return { type: 'failed', id: request.id, message: describeFailure(failure), rssBytes: process.memoryUsage.rss() };
  }
  const pdf = compiler.pdf(document);
  return { type: 'rendered', id: request.id, pdf: new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength), pages: document.numOfPages, rssBytes: process.memoryUsage.rss() };
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
