import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { errorResponses } from '../../http/common-schemas.js';
import { AppError, type ErrorCode } from '../../http/errors.js';
import { clientGone, preferredWaitSeconds } from '../../http/prefer-wait.js';
import { ListQuery, answerList, baseUrlOf, listOf } from '../../http/pagination.js';
import { JsonResume } from '../../resume/json-resume.js';
import { CvAnalysisSchema } from '../analysis/schema.js';
import { requireUser, signedIn } from '../auth/sessions/authenticate.js';
import { improvementStatusOf, presentImprovement } from './present.js';
import { llmErrorCodes } from './rules.js';
import { IMPROVEMENT_LIMITS, IdParams, ImprovementHeaders, ImprovementInput, ImprovementSchema } from './schema.js';
import { isSettled, type ImprovementService } from './service.js';

const tags = ['improvements'];
const consumes = ['application/json', 'application/x-www-form-urlencoded'];
/** A comment line this often keeps proxies from closing a quiet event stream. */
const KEEP_ALIVE_MS = 15_000;

const llmCodes = new Set<string>(llmErrorCodes);

export const improvementRoutes: FastifyPluginAsyncTypebox<{ improvements: ImprovementService }> = async (app, { improvements }) => {
  app.addSchema(JsonResume);
  app.addSchema(CvAnalysisSchema);
  const present = (request: FastifyRequest) => (record: Parameters<typeof presentImprovement>[0]) => presentImprovement(record, baseUrlOf(request));

  app.post(
    '/cv/ai-responses/',
    {
      schema: {
        tags,
        summary:
          'Asks for an improvement of a questionnaire’s CV: stored as queued and made in the background (202). `Prefer: wait=N` waits up to N s (≤ 60) and answers 201 with the result; `Idempotency-Key` makes a retry safe',
        security: signedIn,
        consumes,
        headers: ImprovementHeaders,
        body: ImprovementInput,
        response: { 201: ImprovementSchema, 202: ImprovementSchema, ...errorResponses(400, 401, 403, 404, 422, 429, 502, 503, 504) },
      },
    },
    async (request, reply) => {
      const { user } = requireUser(request);
      const { record: created, repeated, allowance } = await improvements.create(user.id, request.body, request.headers['idempotency-key']);
      const waitSeconds = preferredWaitSeconds(request.headers.prefer, IMPROVEMENT_LIMITS.maxWaitSeconds);
      const record = waitSeconds > 0 ? await improvements.waitUntilSettled(user.id, created, waitSeconds * 1000, clientGone(reply)) : created;
      // What is left of today's allowance, as the upstream answered it (a replay was not charged).
      const body = { ...present(request)(record), ...(allowance ? { rate_limit_info: allowance } : {}) };
      reply.header('location', body.links.self);
      if (repeated) reply.header('idempotent-replayed', 'true');
      if (waitSeconds > 0) reply.header('preference-applied', `wait=${waitSeconds}`);
      const status = improvementStatusOf(record);
      if (status === 'succeeded') return reply.code(201).send(body);
      if (status === 'failed' && waitSeconds > 0 && body.error) {
        // The upstream answered a failed call with an error status: a client that waited gets one too.
        const code: ErrorCode = llmCodes.has(body.error.code) ? (body.error.code as ErrorCode) : body.error.code === 'cv_unavailable' ? 'invalid_request' : 'internal_error';
        throw new AppError(code, body.error.message, { body: { error: body.error.message, ai_response: body } });
      }
      return reply.code(202).header('retry-after', '1').send(body);
    },
  );

  app.get(
    '/cv/ai-responses/',
    {
      schema: {
        tags,
        summary: "The caller's improvements, newest first: a bare array, or DRF's page envelope with ?page or ?page_size",
        security: signedIn,
        querystring: ListQuery,
        response: { 200: listOf(ImprovementSchema), ...errorResponses(400, 401, 503) },
      },
    },
    async (request) => {
      const { user } = requireUser(request);
      return answerList(request, request.query, (window) => improvements.list(user.id, window), present(request));
    },
  );

  app.get(
    '/cv/ai-responses/:id/',
    { schema: { tags, summary: 'One of the caller’s improvements, with its status, result, changes, analysis and usage', security: signedIn, params: IdParams, response: { 200: ImprovementSchema, ...errorResponses(400, 401, 404, 503) } } },
    async (request) => {
      const { user } = requireUser(request);
      return present(request)(await improvements.get(user.id, request.params.id));
    },
  );

  app.get(
    '/cv/ai-responses/:id/events/',
    {
      schema: {
        tags,
        summary:
          'The improvement’s status and progress as Server-Sent Events (`status` events, then one `done` event with the whole object); the stream ends when the improvement does. A reconnect after the end gets 204, which stops EventSource',
        security: signedIn,
        params: IdParams,
        produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'text/event-stream' }), 204: Type.Null({ description: 'the improvement has ended and the stream was read to its end before' }), ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (request, reply) => {
      const { user } = requireUser(request);
      const first = await improvements.get(user.id, request.params.id);
      // EventSource reconnects whenever a stream ends; after the end there is nothing more to say.
      if (isSettled(first) && request.headers['last-event-id'] !== undefined) return reply.code(204).send(null);

      // The stream ends when the client goes, or when this process drains for shutdown: EventSource
      // then reconnects (to another process, or to this one's successor) and carries on.
      const ended = new AbortController();
      clientGone(reply).addEventListener('abort', () => ended.abort());
      const drainCheck = setInterval(() => {
        if (app.draining) ended.abort();
      }, 250);
      drainCheck.unref();
      const { signal } = ended;
      const stream = new PassThrough();
      const write = (event: string, id: number, data: unknown) => stream.write(`event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
      const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      keepAlive.unref();
      const run = async () => {
        let sequence = 0;
        stream.write('retry: 2000\n\n');
        for await (const record of improvements.changes(user.id, request.params.id, signal)) {
          const body = present(request)(record);
          write('status', ++sequence, { id: body.id, status: body.status, progress: body.progress, error: body.error });
          if (isSettled(record)) write('done', ++sequence, body);
        }
      };
      run()
        .catch((error: unknown) => {
          request.log.error({ err: error, improvementId: first.row.id }, 'event stream failed');
          stream.write(`event: error\ndata: ${JSON.stringify({ detail: 'The event stream failed; read the improvement instead.' })}\n\n`);
        })
        .finally(() => {
          clearInterval(keepAlive);
          clearInterval(drainCheck);
          stream.end();
        });
      return reply
        .code(200)
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-accel-buffering', 'no')
        .send(stream);
    },
  );
};
