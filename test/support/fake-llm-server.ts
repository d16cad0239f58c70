import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One request a fake provider received, as it arrived. */
export interface FakeLlmRequest {
  method: string;
  /** Path and query, e.g. /v1/chat/completions. */
  path: string;
  headers: IncomingHttpHeaders;
  bodyText: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
  /** Bytes of answer body written so far: less than asked when the client hung up early. */
  answeredBytes: number;
}

/** Token counts a fake reports; by default estimated from the characters sent and answered. */
export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
}

/**
 * What a fake answers to one request:
 * - `content`: a normal completion (`finishReason` in the provider's own words, e.g. `length` or `max_tokens`);
 *   with `stallBodyMs`, half the body is sent at once and the rest that much later;
 * - `refusal`: the model declines (OpenAI's `refusal` field, Anthropic's `refusal` stop reason);
 * - `status`: an error in the provider's error shape (`body` replaces it whole), with `headers` such as Retry-After;
 * - `hang`: headers never come; closing the fake ends the connection;
 * - `bodyBytes`: a completion whose text is this many bytes, streamed in chunks (chunked, or with
 *   Content-Length when `declareLength`).
 * Any reply but `hang` may wait `delayMs` first.
 */
export type FakeReply =
  | { content: string; finishReason?: string; usage?: FakeUsage; delayMs?: number; stallBodyMs?: number }
  | { refusal: string; delayMs?: number }
  | { status: number; message?: string; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { hang: true }
  | { bodyBytes: number; declareLength?: boolean; delayMs?: number };

export type FakeContentReply = Extract<FakeReply, { content: string }>;

export interface FakeLlmOptions {
  /** Answers every request not answered by the queue; default: `{ content: answer }`. */
  respond?: (request: FakeLlmRequest) => FakeReply | Promise<FakeReply>;
  /** The text of the default answer. */
  answer?: string;
  /** When set, requests without this key are answered 401 as the provider does. */
  apiKey?: string;
}

/** A fake provider on 127.0.0.1 that the real SDK talks to. */
export interface FakeLlmServer {
  /** Base URL to configure, as the provider's SDK expects it (OpenAI's with `/v1`, Anthropic's without). */
  url: string;
  requests: FakeLlmRequest[];
  /** One-shot replies, used in order before `respond`. */
  enqueue(...replies: FakeReply[]): void;
  /** The requests received so far, parsed (those whose body was JSON). */
  bodies<T = Record<string, unknown>>(): T[];
  /** Stops listening and ends every open connection, hanging ones included; once closed, does nothing. */
  close(): Promise<void>;
}

/** What makes one provider's fake differ from another's: its routes, checks and wire shapes. */
export interface FakeProtocol {
  /** What the SDK's base URL holds after the host: `/v1` for OpenAI's, nothing for Anthropic's. */
  basePath: string;
  /** The protocol's own answer before any scripted one (wrong path, bad key, unsupported option), or undefined. */
  check(request: FakeLlmRequest): FakeReply | undefined;
  completion(request: FakeLlmRequest, reply: FakeContentReply | { refusal: string }): unknown;
  error(status: number, message: string): unknown;
  /** A completion whose text is a placeholder, split so the placeholder can be streamed as a long run of bytes. */
  hugeCompletion(request: FakeLlmRequest): { before: string; after: string };
}

const FILLER_CHUNK = Buffer.alloc(64 * 1024, 'x');

/** A rough token count: about four characters a token. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Writes `chunk`, waiting for the socket to drain; false once the client has gone. */
async function writeWithBackpressure(response: ServerResponse, request: FakeLlmRequest, chunk: Buffer | string): Promise<boolean> {
  if (response.destroyed) return false;
  request.answeredBytes += Buffer.byteLength(chunk);
  if (response.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
  return !response.destroyed;
}

async function streamHugeCompletion(response: ServerResponse, protocol: FakeProtocol, request: FakeLlmRequest, bytes: number, declareLength: boolean): Promise<void> {
  const { before, after } = protocol.hugeCompletion(request);
  const headers: Record<string, string | number> = { 'content-type': 'application/json' };
  if (declareLength) headers['content-length'] = Buffer.byteLength(before) + bytes + Buffer.byteLength(after);
  response.writeHead(200, headers);
  if (!(await writeWithBackpressure(response, request, before))) return;
  for (let left = bytes; left > 0; left -= FILLER_CHUNK.length) {
    const chunk = left >= FILLER_CHUNK.length ? FILLER_CHUNK : FILLER_CHUNK.subarray(0, left);
    if (!(await writeWithBackpressure(response, request, chunk))) return;
  }
  endWith(response, request, after);
}

function endWith(response: ServerResponse, request: FakeLlmRequest, last: string): void {
  if (response.destroyed) return;
  request.answeredBytes += Buffer.byteLength(last);
  response.end(last);
}

async function answer(response: ServerResponse, protocol: FakeProtocol, request: FakeLlmRequest, reply: FakeReply): Promise<void> {
  if ('hang' in reply) return;
  if (reply.delayMs) await sleep(reply.delayMs);
  if (response.destroyed) return;
  if ('bodyBytes' in reply) {
    await streamHugeCompletion(response, protocol, request, reply.bodyBytes, reply.declareLength ?? false);
    return;
  }
  if ('status' in reply) {
    const body = reply.body ?? protocol.error(reply.status, reply.message ?? `fake error ${reply.status}`);
    response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    endWith(response, request, JSON.stringify(body));
    return;
  }
  const body = JSON.stringify(protocol.completion(request, reply));
  response.writeHead(200, { 'content-type': 'application/json' });
  if ('stallBodyMs' in reply && reply.stallBodyMs) {
    const half = Math.floor(body.length / 2);
    if (!(await writeWithBackpressure(response, request, body.slice(0, half)))) return;
    await sleep(reply.stallBodyMs);
    endWith(response, request, body.slice(half));
    return;
  }
  endWith(response, request, body);
}

/** Starts a fake speaking `protocol` on 127.0.0.1, on a free port. */
export async function startFakeLlmServer(protocol: FakeProtocol, options: FakeLlmOptions): Promise<FakeLlmServer> {
  const requests: FakeLlmRequest[] = [];
  const queue: FakeReply[] = [];
  const respond = options.respond ?? ((): FakeReply => ({ content: options.answer ?? 'OK' }));

  const server = createServer((incoming, response) => {
    void (async () => {
      const bodyText = await readBody(incoming);
      const request: FakeLlmRequest = {
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        headers: incoming.headers,
        bodyText,
        json: parseJson(bodyText),
        answeredBytes: 0,
      };
      requests.push(request);
      const reply = protocol.check(request) ?? queue.shift() ?? (await respond(request));
      await answer(response, protocol, request, reply);
    })().catch((error: unknown) => {
      // A fake that breaks should fail the test loudly, not hang it.
      if (!response.headersSent) response.writeHead(599, { 'content-type': 'text/plain' });
      response.end(`fake provider failed: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${protocol.basePath}`,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    bodies: <T>() => requests.filter((request) => request.json !== undefined).map((request) => request.json as T),
    close: async () => {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      server.closeAllConnections();
      await closed;
    },
  };
}
