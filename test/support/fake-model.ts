import type { FakeLlmRequest, FakeReply } from './fake-llm-server.js';

type Cv = Record<string, unknown> & { work?: { name?: string; position?: string; startDate?: string; endDate?: string; highlights?: string[] }[] };

/** Everything the request's messages say, system prompt included, for either provider's body. */
export function promptOf(request: FakeLlmRequest): string {
  const body = request.json as { system?: unknown; messages?: { content: unknown }[] } | undefined;
  const parts: unknown[] = [body?.system, ...(body?.messages ?? []).map((message) => message.content)];
  return parts
    .flatMap((part) => (Array.isArray(part) ? part.map((piece: { text?: string }) => piece.text ?? '') : [part]))
    .filter((part): part is string => typeof part === 'string')
    .join('\n');
}

/** The CV the improver sent, read back from its <cv_json> block. */
export function sentCv(request: FakeLlmRequest): Cv {
  const block = /<cv_json>\n([\s\S]*?)\n<\/cv_json>/.exec(promptOf(request))?.[1];
  if (!block) throw new Error('the request carries no <cv_json> block');
  return JSON.parse(block) as Cv;
}

/**
 * A model that does the job as asked: it rewrites "Responsible for X-ing" openings and returns the
 * CV it was sent, with its reasons. `misbehave` edits the answer first, to play a model that
 * invents facts or obeys text in the data.
 */
export function fakeModel(misbehave?: (cv: Cv, prompt: string) => void): (request: FakeLlmRequest) => FakeReply {
  return (request) => {
    const cv = sentCv(request);
    const changes: { path: string; reason: string }[] = [];
    cv.work?.forEach((entry, index) => {
      entry.highlights = entry.highlights?.map((line, at) => {
        const rewritten = line.replace(/^Responsible for managing /, 'Managed ').replace(/^Responsible for maintaining /, 'Maintained ');
        if (rewritten !== line) changes.push({ path: `/work/${index}/highlights/${at}`, reason: 'Opens with an action verb.' });
        return rewritten;
      });
    });
    misbehave?.(cv, promptOf(request));
    return { content: JSON.stringify({ resume: cv, changes }) };
  };
}
