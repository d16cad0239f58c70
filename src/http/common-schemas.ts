import type { Ajv } from 'ajv';
import { Type, type TSchema, type TStringOptions } from 'typebox';
import { SINGLE_LINE_PATTERN } from '../lib/text-patterns.js';
import { errorCodes, type ErrorCode } from './errors.js';

/** A value or null. */
export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** `{"detail": "...", "code": "..."}`: every error that is not about fields; `code` is from the catalogue. */
export const ErrorBody = Type.Object(
  {
    detail: Type.String(),
    code: Type.Unsafe<ErrorCode>({ type: 'string', enum: errorCodes, description: 'stable snake_case error code' }),
  },
  { $id: 'ErrorBody', description: 'An error' },
);

/** `{"field": ["message"]}`: invalid input, field by field; `non_field_errors` for the whole body. */
export const FieldErrorsBody = Type.Record(Type.String(), Type.Array(Type.String()), {
  $id: 'FieldErrorsBody',
  description: 'Invalid input, as messages per field',
});

/** A 400 is either invalid fields or a body that could not be read at all (`parse_error`). */
const BadRequestBody = Type.Union([Type.Ref('FieldErrorsBody'), Type.Ref('ErrorBody')], {
  description: 'Invalid fields, or {"detail", "code"} when the request could not be read',
});

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 502 | 503 | 504;

/**
 * The documented error answers of a route. Bodies are never filtered through these schemas (the
 * error handler serialises them itself); they exist so the OpenAPI document says what can come back.
 */
export function errorResponses(...statuses: ErrorStatus[]): Record<ErrorStatus, TSchema> {
  const responses = {} as Record<ErrorStatus, TSchema>;
  for (const status of statuses) responses[status] = status === 400 ? BadRequestBody : Type.Ref('ErrorBody');
  return responses;
}

/**
 * A string a client sends on one line (names, addresses, tokens, passwords): control characters are
 * refused at the schema. A caller's own `pattern` replaces this one and must exclude them too.
 */
export function SingleLine(options: TStringOptions = {}) {
  return Type.String({ pattern: SINGLE_LINE_PATTERN, ...options });
}

/** `{"detail": "..."}`: what an action that has nothing else to return answers, as the upstream did. */
export const DetailBody = Type.Object({ detail: Type.String() });

/** Marks text that is cleaned rather than refused: markup and control characters are removed before its limits are checked. */
const SANITISED_KEYWORD = 'x-sanitised';

/** Registers the marker with the request validator (it checks nothing itself; the service cleans). */
export function sanitisedKeyword(ajv: Ajv): Ajv {
  return ajv.addKeyword({ keyword: SANITISED_KEYWORD, schemaType: 'string', valid: true });
}

/**
 * Free text a person types (a job title, a job description): it may arrive with HTML or control
 * characters pasted in, which are removed, not refused. `maxLength` here only bounds the raw input;
 * the real limit is checked after cleaning.
 */
export function SanitisedText(form: 'line' | 'paragraphs', options: TStringOptions & { maxLength: number }) {
  return Type.String({ ...options, [SANITISED_KEYWORD]: form });
}
