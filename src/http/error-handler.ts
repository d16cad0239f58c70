import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { AppError, ValidationError, errorCatalogue, type ErrorCode } from './errors.js';

const NON_FIELD = 'non_field_errors';

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
      return params.type === 'null' ? 'This field may not be null.' : `Expected a ${String(params.type)}.`;
    case 'pattern':
      return 'This value does not have the expected format.';
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

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'parse_error',
  FST_ERR_CTP_INVALID_JSON_BODY: 'parse_error',
  FST_ERR_NOT_FOUND: 'not_found',
};

/** Postgres unique violation, whichever driver raised it and however it was wrapped. */
function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if ((current as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

function send(reply: FastifyReply, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(status).headers(headers).type('application/json; charset=utf-8').send(body);
}

/** The methods that have a route for this path (a 405 names them in Allow). */
function methodsServing(app: FastifyInstance, path: string): string[] {
  const methods = app.routeTable
    .filter((route) => new RegExp(`^${route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}$`).test(path))
    .map((route) => route.method);
  return [...new Set(methods)].sort();
}

/** The one place where errors become response bodies. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = methodsServing(app, path);
    if (allowed.length > 0) {
      return send(reply, 405, { detail: `Method "${request.method}" not allowed.`, code: 'method_not_allowed' }, { allow: allowed.join(', ') });
    }
    return send(reply, 404, { detail: `No route for ${request.method} ${path}.`, code: 'not_found' });
  });

  app.setErrorHandler((error: FastifyError | AppError | ValidationError | Error, request, reply) => {
    if (error instanceof ValidationError) return send(reply, 400, error.fields);
    if (error instanceof AppError) {
      return send(reply, error.status, { detail: error.message, code: error.code }, error.headers);
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return send(reply, 400, fieldErrorsFromSchema(fastifyError.validation, fastifyError.validationContext));
    }
    if (isUniqueViolation(error)) {
      return send(reply, 409, { detail: errorCatalogue.conflict.detail, code: 'conflict' });
    }
    const mapped = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
    if (mapped) return send(reply, errorCatalogue[mapped].status, { detail: errorCatalogue[mapped].detail, code: mapped });
    const status = fastifyError.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      // A client error raised by Fastify or a plugin: its message describes the request, not our internals.
      const code = fastifyError.code ? fastifyError.code.replace(/^FST_ERR_/, '').toLowerCase() : 'invalid_request';
      return send(reply, status, { detail: fastifyError.message, code });
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, 500, { detail: errorCatalogue.internal_error.detail, code: 'internal_error' });
  });
}
