import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * One log line per request, written when it ends: what was asked (method, URL with its secrets
 * redacted, client address), how it ended (status) and how long it took. Fastify's own pair of
 * lines (incoming, completed) and its separate not-found line are folded into this one.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {
    // Logged when the request ends, with its outcome.
  }

  override routeNotFound(): void {
    // The request's line says 404.
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, res: reply, ms: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...line, err: error }, 'request failed while sending its answer');
    else reply.log.info(line, 'request completed');
  }
}
