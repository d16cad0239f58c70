import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { errorResponses } from '../../http/common-schemas.js';
import { acceptMultipart } from '../../http/uploads.js';
import { attachment } from '../../http/attachment.js';
import { JsonResume } from '../../resume/json-resume.js';
import { requireUser, signedIn } from '../auth/sessions/authenticate.js';
import { presentCv, presentQuestionnaire } from './present.js';
import { QUESTIONNAIRE_LIMITS } from './rules.js';
import { CvQuery, CvSchema, CvUpdate, IdParams, QuestionnaireInput, QuestionnairePatch, QuestionnaireSchema } from './schema.js';
import { ListQuery, answerList, baseUrlOf, listOf } from '../../http/pagination.js';
import { contentTypeOf, type QuestionnaireService } from './service.js';

const tags = ['questionnaires'];
const JSON_RESUME_SCHEMA_URL = 'https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json';
// The upstream took JSON, forms and multipart; multipart is how a file comes.
const consumes = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'];
const writeErrors = errorResponses(400, 401, 403, 404, 413, 415, 429, 503);

export const questionnaireRoutes: FastifyPluginAsyncTypebox<{ questionnaires: QuestionnaireService }> = async (app, { questionnaires }) => {
  await acceptMultipart(app, { maxFileBytes: QUESTIONNAIRE_LIMITS.maxFileBytes, fileFields: ['resume'] });
  app.addSchema(JsonResume);

  const present = (request: FastifyRequest) => (record: Parameters<typeof presentQuestionnaire>[0]) => presentQuestionnaire(record, baseUrlOf(request));
  // PUT and PATCH differ only in what their schemas require.
  const update = async (request: FastifyRequest, id: string, changes: QuestionnairePatch) => {
    const { user } = requireUser(request);
    return present(request)(await questionnaires.update(user.id, id, changes));
  };

  // The upstream served /cv/questionnaire/; its web client posts to /api/questionnaire/. Both work.
  for (const prefix of ['/cv/questionnaire', '/api/questionnaire']) {
    const hide = prefix === '/api/questionnaire';

    app.get(
      `${prefix}/`,
      {
        schema: {
          hide,
          tags,
          summary: "The caller's questionnaires, newest first: a bare array, or DRF's page envelope with ?page or ?page_size",
          security: signedIn,
          querystring: ListQuery,
          response: { 200: listOf(QuestionnaireSchema), ...errorResponses(400, 401, 503) },
        },
      },
      async (request) => {
        const { user } = requireUser(request);
        return answerList(request, request.query, (window) => questionnaires.list(user.id, window), present(request));
      },
    );

    app.post(
      `${prefix}/`,
      {
        schema: {
          hide,
          tags,
          summary: 'Creates a questionnaire; a CV file (multipart field `resume`) is checked by its bytes, stored privately and read in the background',
          security: signedIn,
          consumes,
          body: QuestionnaireInput,
          response: { 201: QuestionnaireSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const { user } = requireUser(request);
        const body = present(request)(await questionnaires.create(user.id, request.body));
        return reply.code(201).header('location', `/cv/questionnaire/${body.id}/`).send(body);
      },
    );

    app.get(
      `${prefix}/:id/`,
      { schema: { hide, tags, summary: 'One of the caller’s questionnaires', security: signedIn, params: IdParams, response: { 200: QuestionnaireSchema, ...errorResponses(400, 401, 404, 503) } } },
      async (request) => {
        const { user } = requireUser(request);
        return present(request)(await questionnaires.get(user.id, request.params.id));
      },
    );

    app.put(
      `${prefix}/:id/`,
      {
        schema: {
          hide,
          tags,
          summary: 'Replaces a questionnaire (every required field); a new file replaces the old one, `resume: null` removes it',
          security: signedIn,
          consumes,
          params: IdParams,
          body: QuestionnaireInput,
          response: { 200: QuestionnaireSchema, ...writeErrors },
        },
      },
      async (request) => update(request, request.params.id, request.body),
    );

    app.patch(
      `${prefix}/:id/`,
      {
        schema: {
          hide,
          tags,
          summary: 'Changes some fields of a questionnaire; a new file replaces the old one, `resume: null` removes it',
          security: signedIn,
          consumes,
          params: IdParams,
          body: QuestionnairePatch,
          response: { 200: QuestionnaireSchema, ...writeErrors },
        },
      },
      async (request) => update(request, request.params.id, request.body),
    );

    app.delete(
      `${prefix}/:id/`,
      { schema: { hide, tags, summary: 'Deletes a questionnaire with its file and CV', security: signedIn, params: IdParams, response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404, 503) } } },
      async (request, reply) => {
        const { user } = requireUser(request);
        await questionnaires.remove(user.id, request.params.id);
        return reply.code(204).send(null);
      },
    );
  }

  app.get(
    '/cv/questionnaire/:id/resume/',
    {
      schema: {
        tags,
        summary: 'Downloads the uploaded CV file (its owner only)',
        security: signedIn,
        params: IdParams,
        response: { 200: Type.Unsafe({ type: 'string', format: 'binary', description: 'the file, as uploaded' }), ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (request, reply) => {
      const { user } = requireUser(request);
      const file = await questionnaires.openResume(user.id, request.params.id);
      return reply
        .type(contentTypeOf(file.type))
        .header('content-disposition', attachment(file.fileName))
        .header('cache-control', 'private, no-store')
        // Opened directly in a browser, the file can run nothing and reach nothing.
        .header('content-security-policy', "sandbox; default-src 'none'")
        .send(file.bytes);
    },
  );

  app.get(
    '/cv/questionnaire/:id/cv/',
    {
      schema: {
        tags,
        summary: 'The CV read from the upload: its text, the structured CV (JSON Resume), warnings and source; ?format=jsonresume gives the JSON Resume document alone',
        security: signedIn,
        params: IdParams,
        querystring: CvQuery,
        response: { 200: Type.Union([CvSchema, Type.Ref('JsonResume')]), ...errorResponses(400, 401, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const { user } = requireUser(request);
      const cv = await questionnaires.getCv(user.id, request.params.id);
      if (request.query.format === 'jsonresume') {
        return reply
          .header('content-disposition', attachment('resume.json'))
          .serializer(JSON.stringify)
          .send({ $schema: JSON_RESUME_SCHEMA_URL, ...cv.resume });
      }
      return reply.serializer(JSON.stringify).send(presentCv(cv));
    },
  );

  app.put(
    '/cv/questionnaire/:id/cv/',
    {
      schema: {
        tags,
        summary: "Stores its owner's correction of the structured CV (checked against the JSON Resume schema), and of the text when given",
        security: signedIn,
        params: IdParams,
        body: CvUpdate,
        response: { 200: CvSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503) },
      },
    },
    async (request) => {
      const { user } = requireUser(request);
      return presentCv(await questionnaires.correctCv(user.id, request.params.id, request.body.resume, request.body.text));
    },
  );

  app.post(
    '/cv/questionnaire/:id/cv/import/',
    {
      schema: {
        tags,
        summary: 'Takes a JSON Resume document as the CV, with no file to read; it replaces an uploaded file',
        security: signedIn,
        params: IdParams,
        body: Type.Ref('JsonResume'),
        response: { 201: CvSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      const { user } = requireUser(request);
      const cv = await questionnaires.importCv(user.id, request.params.id, request.body as JsonResume);
      return reply.code(201).send(presentCv(cv));
    },
  );
};
