import type { FastifyReply } from 'fastify';

/** `Prefer: wait=N` (RFC 7240): how many seconds the client will wait, capped; 0 when it did not ask. */
export function preferredWaitSeconds(prefer: string | undefined, maxSeconds: number): number {
  if (!prefer) return 0;
  for (const part of prefer.split(',')) {
    const match = /^\s*wait\s*=\s*"?(\d{1,6})"?\s*(?:;.*)?$/i.exec(part);
    if (match?.[1]) return Math.min(Number(match[1]), maxSeconds);
  }
  return 0;
}

/**
 * Aborted when the client goes away before its answer is written: waiting for it is pointless then.
 * (The request's own 'close' comes as soon as its body has been read; the response's says the
 * connection ended.)
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
