import { describe, expect, it } from 'vitest';
import { AnswerTooLargeError, answerByteCap, cappedFetch } from './capped-fetch.js';

/** A body of `total` bytes in `chunk`-byte pieces that records how much was pulled and whether it was cancelled. */
function meteredBody(total: number, chunk: number): { stream: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => boolean } {
  let sent = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      const size = Math.min(chunk, total - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, pulled: () => sent, cancelled: () => cancelled };
}

function fetchAnswering(response: Response): typeof fetch {
  return async () => response;
}

describe('cappedFetch', () => {
  it('passes an answer under the cap through whole, status and headers kept', async () => {
    for (const size of [0, 1, 999, 1000]) {
      const body = meteredBody(size, 300);
      const capped = cappedFetch(1000, fetchAnswering(new Response(body.stream, { status: 201, headers: { 'x-request-id': 'r1' } })));
      const response = await capped('http://127.0.0.1/');
      expect(response.status).toBe(201);
      expect(response.headers.get('x-request-id')).toBe('r1');
      expect((await response.arrayBuffer()).byteLength).toBe(size);
    }
  });

  it('errors once the body passes the cap, having read little past it, and cancels the source', async () => {
    const body = meteredBody(50 * 1024 * 1024, 16 * 1024);
    const capped = cappedFetch(100 * 1024, fetchAnswering(new Response(body.stream)));
    const response = await capped('http://127.0.0.1/');
    await expect(response.text()).rejects.toBeInstanceOf(AnswerTooLargeError);
    expect(body.pulled()).toBeLessThan(200 * 1024);
    expect(body.cancelled()).toBe(true);
  });

  it('refuses an answer that declares a length over the cap without reading it', async () => {
    const body = meteredBody(10_000, 1000);
    const capped = cappedFetch(5000, fetchAnswering(new Response(body.stream, { headers: { 'content-length': '10000' } })));
    const response = await capped('http://127.0.0.1/');
    await expect(response.json()).rejects.toBeInstanceOf(AnswerTooLargeError);
    expect(body.pulled()).toBeLessThanOrEqual(1000);
  });

  it('leaves an answer without a body as it is', async () => {
    const original = new Response(null, { status: 204 });
    expect(await cappedFetch(10, fetchAnswering(original))('http://127.0.0.1/')).toBe(original);
  });
});

describe('answerByteCap', () => {
  it('is at least 256 KiB and grows with the tokens asked', () => {
    expect(answerByteCap(256)).toBe(256 * 1024);
    expect(answerByteCap(4000)).toBe(256 * 1024);
    expect(answerByteCap(64_000)).toBe(64_000 * 32);
    expect(answerByteCap(20_000)).toBeGreaterThan(answerByteCap(10_000));
  });
});
