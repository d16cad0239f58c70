/** An answer body that grew past the cap; reading stopped there and the connection was dropped. */
export class AnswerTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`the provider's answer is larger than ${limitBytes} bytes`);
    this.name = 'AnswerTooLargeError';
  }
}

/** The byte cap for answers asked with `maxOutputTokens`: generous for JSON overhead, far below what would hurt memory. */
export function answerByteCap(maxOutputTokens: number): number {
  return Math.max(256 * 1024, maxOutputTokens * 32);
}

/** Passes chunks through until `maxBytes` have gone by, then cancels the source and errors. */
function cappedBody(source: ReadableStream<Uint8Array>, maxBytes: number): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let received = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      received += value.byteLength;
      if (received > maxBytes) {
        const tooLarge = new AnswerTooLargeError(maxBytes);
        controller.error(tooLarge);
        await reader.cancel(tooLarge);
        return;
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * A fetch whose response bodies error with AnswerTooLargeError once they exceed `maxBytes`
 * (decoded), so an oversized answer is dropped while it streams in rather than held whole.
 */
export function cappedFetch(maxBytes: number, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (!response.body) return response;
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await response.body.cancel();
      const refused = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.error(new AnswerTooLargeError(maxBytes));
        },
      });
      return new Response(refused, { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    return new Response(cappedBody(response.body, maxBytes), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
