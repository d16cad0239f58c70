import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { attachment } from '../../http/attachment.js';
import { errorResponses } from '../../http/common-schemas.js';
import { AppError, type ErrorCode } from '../../http/errors.js';
import { ListQuery, answerList, baseUrlOf, listOf } from '../../http/pagination.js';
import { clientGone, preferredWaitSeconds } from '../../http/prefer-wait.js';
import { SingleLine } from '../../http/common-schemas.js';
import { requireUser, signedIn } from '../auth/sessions/authenticate.js';
import { documentStatusOf, presentDocument } from './present.js';
import { DOCUMENT_LIMITS, DocumentHeaders, DocumentIdParams, DocumentOptionsInput, DocumentSchema, GeneratedPdfSchema, QuestionnaireDocumentInput, TemplateSchema } from './schema.js';
import type { DocumentService } from './service.js';
import type { TemplatePreviews } from './template-previews.js';
import type { DocumentRecord } from './repository.js';

const tags = ['documents'];
const writeErrors = errorResponses(400, 401, 403, 404, 409, 422, 429, 503);

/** A failed document, for a client that waited on it: the error's own status when the catalogue has one. */
function failure(body: ReturnType<typeof presentDocument>): AppError {
  const code: ErrorCode = body.error?.code === 'missing_glyphs' ? 'missing_glyphs' : body.error?.code === 'internal_error' || !body.error ? 'internal_error' : 'conflict';
  const message = body.error?.message ?? 'The document could not be made.';
  return new AppError(code, message, { body: { error: message, document: body } });
}

export const documentRoutes: FastifyPluginAsyncTypebox<{ documents: DocumentService; previews: TemplatePreviews }> = async (app, { documents, previews }) => {
  const present = (request: FastifyRequest) => (record: DocumentRecord) => presentDocument(record, baseUrlOf(request));

  /** Waits on the document when the client asked to (`Prefer: wait=N`), and says so. */
  const settle = async (request: FastifyRequest, prefer: string | undefined, reply: Parameters<typeof clientGone>[0], userId: number, created: DocumentRecord) => {
    const waitSeconds = preferredWaitSeconds(prefer, DOCUMENT_LIMITS.maxWaitSeconds);
    if (waitSeconds > 0) reply.header('preference-applied', `wait=${waitSeconds}`);
    const record = waitSeconds > 0 ? await documents.waitUntilSettled(userId, created, waitSeconds * 1000, clientGone(reply)) : created;
    const body = present(request)(record);
    reply.header('location', body.links.self);
    const status = documentStatusOf(record);
    if (status === 'failed' && waitSeconds > 0) throw failure(body);
    return { body, settled: status === 'succeeded' };
  };

  app.post(
    '/cv/ai-responses/:id/generate-pdf/',
    {
      schema: {
        tags,
        summary:
          'Renders an improvement’s CV to PDF in the background (202 with the document). `Prefer: wait=N` waits up to N s and answers 200 `{"pdf_url", "document"}`, the upstream’s shape. The body (optional) picks the template and layout',
        security: signedIn,
        params: DocumentIdParams,
        headers: DocumentHeaders,
        body: Type.Optional(Type.Union([DocumentOptionsInput, Type.Null()])),
        response: { 200: GeneratedPdfSchema, 202: DocumentSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const { user } = requireUser(request);
      const created = await documents.createFromImprovement(user.id, request.params.id, request.body ?? {});
      const { body, settled } = await settle(request, request.headers.prefer, reply, user.id, created);
      if (settled && body.download_url) return reply.code(200).send({ pdf_url: body.download_url, document: body });
      return reply.code(202).header('retry-after', '1').send(body);
    },
  );

  app.post(
    '/cv/questionnaire/:id/documents/',
    {
      schema: {
        tags,
        summary:
          'Renders the questionnaire’s own CV (or Markdown sent in `markdown`) to PDF, without AI: 202 with the document; `Prefer: wait=N` waits up to N s and answers 201 with it done',
        security: signedIn,
        params: DocumentIdParams,
        headers: DocumentHeaders,
        body: Type.Optional(Type.Union([QuestionnaireDocumentInput, Type.Null()])),
        response: { 201: DocumentSchema, 202: DocumentSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const { user } = requireUser(request);
      const created = await documents.createFromQuestionnaire(user.id, request.params.id, request.body ?? {});
      const { body, settled } = await settle(request, request.headers.prefer, reply, user.id, created);
      if (settled) return reply.code(201).send(body);
      return reply.code(202).header('retry-after', '1').send(body);
    },
  );

  app.get(
    '/cv/documents/',
    {
      schema: {
        tags,
        summary: "The caller's documents, newest first: a bare array, or DRF's page envelope with ?page or ?page_size",
        security: signedIn,
        querystring: ListQuery,
        response: { 200: listOf(DocumentSchema), ...errorResponses(400, 401, 503) },
      },
    },
    async (request) => {
      const { user } = requireUser(request);
      return answerList(request, request.query, (window) => documents.list(user.id, window), present(request));
    },
  );

  app.get(
    '/cv/documents/:id/',
    {
      schema: {
        tags,
        summary: 'One of the caller’s documents: status, template, pages, bytes, text recall, warnings, what a page budget dropped, and links',
        security: signedIn,
        params: DocumentIdParams,
        response: { 200: DocumentSchema, ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const { user } = requireUser(request);
      return present(request)(await documents.get(user.id, request.params.id));
    },
  );

  app.get(
    '/cv/documents/:id/download/',
    {
      schema: {
        tags,
        summary: 'The PDF, for its owner only; `If-None-Match` with its ETag answers 304. 409 while it is being made',
        security: signedIn,
        params: DocumentIdParams,
        headers: Type.Object({ 'if-none-match': Type.Optional(Type.String({ maxLength: 1000 })) }),
        produces: ['application/pdf'],
        response: { 200: Type.String({ description: 'application/pdf' }), 304: Type.Null(), ...errorResponses(400, 401, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const { user } = requireUser(request);
      const file = await documents.openPdf(user.id, request.params.id);
      const etag = `"${file.sha256}"`;
      reply.header('etag', etag).header('cache-control', 'private, no-cache').header('x-content-type-options', 'nosniff');
      const asked = request.headers['if-none-match'];
      if (asked !== undefined && asked.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*')) return reply.code(304).send(null);
      return reply.code(200).header('content-type', 'application/pdf').header('content-disposition', attachment(file.fileName)).send(file.bytes);
    },
  );

  app.get(
    '/cv/templates/',
    {
      schema: {
        tags,
        summary: 'The templates a document can use, each with a PNG preview of the first page rendered from a sample CV',
        response: { 200: Type.Array(TemplateSchema), ...errorResponses(503) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return previews.catalogue(baseUrlOf(request));
    },
  );

  app.get(
    '/cv/templates/:name/preview.png',
    {
      schema: {
        tags,
        summary: 'A template’s preview: the first page of the sample CV, as PNG',
        params: Type.Object({ name: SingleLine({ maxLength: 64 }) }),
        produces: ['image/png'],
        response: { 200: Type.String({ description: 'image/png' }), 304: Type.Null(), ...errorResponses(400, 404, 503) },
      },
    },
    async (request, reply) => {
      const preview = await previews.png(request.params.name);
      reply.header('etag', preview.etag).header('cache-control', 'public, max-age=86400');
      if (request.headers['if-none-match'] === preview.etag) return reply.code(304).send(null);
      return reply.code(200).header('content-type', 'image/png').send(preview.bytes);
    },
  );
};
