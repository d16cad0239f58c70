import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { isDatabaseUnavailable, isUniqueViolation } from '../infra/db/database-errors.js';
import { MULTI_LINE_PATTERN, SINGLE_LINE_PATTERN } from '../lib/text-patterns.js';
import { AppError, ValidationError, errorCatalogue, type ErrorCode } from './errors.js';

const NON_FIELD = 'non_field_errors';
/** How long a client should wait before trying again after a 503 caused by the database. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** With ajv's verbose option, each error also carries the value that was refused. */
type Violation = FastifySchemaValidationError & { data?: unknown };

/** Turns one schema violation into the message a DRF client expects to show to a person. */
function describeViolation(error: Violation): string {
  const params = error.params;
  switch (error.keyword) {
    case 'required':
      return 'This field is required.';
    case 'maxLength':
      return `Ensure this field has no more than ${String(params.limit)} characters.`;
    case 'minLength':
      return params.limit === 1 ? 'This field may not be blank.' : `Ensure this field has at least ${String(params.limit)} characters.`;
    case 'maximum':
      return `Ensure this value is less than or equal to ${String(params.limit)}.`;
    case 'minimum':
      return `Ensure this value is greater than or equal to ${String(params.limit)}.`;
    case 'maxItems':
      return `Ensure this field has no more than ${String(params.limit)} elements.`;
    case 'enum':
    case 'const':
      // With ajv's verbose option the error carries the value that was refused.
      return typeof error.data === 'string' ? `"${error.data}" is not a valid choice.` : 'This is not a valid choice.';
    case 'format':
      return params.format === 'email' ? 'Enter a valid email address.' : `Enter a valid ${String(params.format)}.`;
    case 'type':
      if (error.data === null) return 'This field may not be null.';
      return params.type === 'null' ? 'This field may not be null.' : `Expected a ${String(params.type)}.`;
    case 'pattern':
      return params.pattern === SINGLE_LINE_PATTERN || params.pattern === MULTI_LINE_PATTERN
        ? 'Control characters are not allowed.'
        : 'This value does not have the expected format.';
    default:
      return error.message ? `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.` : 'Invalid value.';
  }
}

/** Field name of a violation: `/email` → email, a missing property → its name, `/items/2/name` → items.2.name. */
function fieldOf(error: FastifySchemaValidationError): string {
  const segments = error.instancePath.split('/').filter(Boolean);
  if (error.keyword === 'required' && typeof error.params.missingProperty === 'string') {
    segments.push(error.params.missingProperty);
  }
  return segments.length > 0 ? segments.join('.') : NON_FIELD;
}

function fieldErrorsFromSchema(errors: FastifySchemaValidationError[], context: string | undefined): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const error of errors) {
    // anyOf/oneOf report each branch plus a summary; the summary alone says nothing useful.
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') continue;
    let field = fieldOf(error);
    // A violation of a whole querystring or params object is named after it.
    if (field === NON_FIELD && context !== undefined && context !== 'body') field = context;
    const message = describeViolation(error);
    const list = (fields[field] ??= []);
    if (!list.includes(message)) list.push(message);
  }
  return Object.keys(fields).length > 0 ? fields : { [NON_FIELD]: ['Invalid input.'] };
}

/** Errors Fastify raises itself, each answered with a code from the catalogue. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'parse_error',
  FST_ERR_CTP_INVALID_JSON_BODY: 'parse_error',
  FST_ERR_BAD_URL: 'invalid_request',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
  FST_ERR_NOT_FOUND: 'not_found',
  FST_REQ_FILE_TOO_LARGE: 'file_too_large',
};

/** The code of a client error raised by Fastify or a plugin that has no code of its own, by its status. */
const codesByStatus: Partial<Record<number, ErrorCode>> = {
  401: 'not_authenticated',
  403: 'permission_denied',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'throttled',
};


/**
 * Sends an error body as it is. The route's response schemas are not applied: a schema for one
 * shape must never strip a body of the other (that is how a parse error once became `400 {}`).
 */
function send(reply: FastifyReply, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(status).headers(headers).type('application/json; charset=utf-8').serializer(JSON.stringify).send(body);
}

/** Answers with an error of the catalogue: its status, and `detail` or the catalogue's own. */
export function sendError(reply: FastifyReply, code: ErrorCode, detail?: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}): FastifyReply {
  const entry = errorCatalogue[code];
  return send(reply, entry.status, { ...extra, detail: detail ?? entry.detail, code }, headers);
}

/** The methods that have a route for this path (a 405 names them in Allow). */
function methodsServing(app: FastifyInstance, path: string): string[] {
  const methods = app.routeTable
    .filter((route) => new RegExp(`^${route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}$`).test(path))
    .map((route) => route.method);
  return [...new Set(methods)].sort();
}

/**
 * Turns any error into its answer; the one place where errors become response bodies. Also Fastify's
 * `frameworkErrors`: a bad URL or a path parameter over its length, raised before routing.
 */
export function answerError(error: FastifyError | AppError | ValidationError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ValidationError) return send(reply, 400, error.fields);
  if (error instanceof AppError) {
    if (error.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(reply, error.code, error.message, error.headers, error.body);
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    return send(reply, 400, fieldErrorsFromSchema(fastifyError.validation, fastifyError.validationContext));
  }
  if (isUniqueViolation(error)) return sendError(reply, 'conflict');
  if (isDatabaseUnavailable(error)) {
    request.log.error({ err: error }, 'database unavailable');
    return sendError(reply, 'service_unavailable', 'The database is unavailable; try again shortly.', { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) });
  }
  const mapped = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (mapped) return sendError(reply, mapped);
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // A client error raised by Fastify or a plugin: its message describes the request, not our internals.
    const code = codesByStatus[status] ?? 'invalid_request';
    return send(reply, errorCatalogue[code].status, { detail: fastifyError.message, code });
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendError(reply, 'internal_error');
}

/** Registers the error and not-found handlers. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = methodsServing(app, path);
    if (allowed.length > 0) return sendError(reply, 'method_not_allowed', `Method "${request.method}" not allowed.`, { allow: allowed.join(', ') });
    return sendError(reply, 'not_found', `No route for ${request.method} ${path}.`);
  });
  app.setErrorHandler(answerError);
}
