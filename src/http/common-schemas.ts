import { Type } from 'typebox';

/** `{"detail": "...", "code": "..."}`: every error that is not about fields. */
export const ErrorBody = Type.Object(
  { detail: Type.String(), code: Type.String({ description: 'stable snake_case error code' }) },
  { $id: 'ErrorBody', description: 'An error' },
);

/** `{"field": ["message"]}`: invalid input, field by field; `non_field_errors` for the whole body. */
export const FieldErrorsBody = Type.Record(Type.String(), Type.Array(Type.String()), {
  $id: 'FieldErrorsBody',
  description: 'Invalid input, as messages per field',
});
