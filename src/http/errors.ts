/**
 * The closed catalogue of errors the API answers with. Each has a stable snake_case code that
 * clients may match on, an HTTP status, and a default message. No other code ever reaches a client.
 */
export const errorCatalogue = {
  parse_error: { status: 400, detail: 'Malformed request body.' },
  invalid_request: { status: 400, detail: 'Invalid request.' },
  not_authenticated: { status: 401, detail: 'Authentication credentials were not provided.' },
  authentication_failed: { status: 401, detail: 'Incorrect authentication credentials.' },
  token_not_valid: { status: 401, detail: 'Token is invalid or expired.' },
  permission_denied: { status: 403, detail: 'You do not have permission to perform this action.' },
  csrf_failed: { status: 403, detail: 'CSRF Failed: CSRF token missing.' },
  not_found: { status: 404, detail: 'Not found.' },
  method_not_allowed: { status: 405, detail: 'Method not allowed.' },
  not_acceptable: { status: 406, detail: 'Could not satisfy the request Accept header.' },
  request_timeout: { status: 408, detail: 'The request took too long to arrive.' },
  conflict: { status: 409, detail: 'The request conflicts with existing data.' },
  payload_too_large: { status: 413, detail: 'Request body is too large.' },
  file_too_large: { status: 413, detail: 'The file is larger than 10 MiB.' },
  uri_too_long: { status: 414, detail: 'A part of the request path is too long.' },
  unsupported_media_type: { status: 415, detail: 'Unsupported media type in request.' },
  unsupported_type: { status: 415, detail: 'The file is not a PDF, DOCX or TXT document.' },
  idempotency_key_reused: { status: 422, detail: 'This Idempotency-Key was sent before with a different request.' },
  missing_glyphs: { status: 422, detail: 'The CV has characters that no bundled font can draw.' },
  throttled: { status: 429, detail: 'Request was throttled.' },
  quota_exceeded: { status: 429, detail: 'You have reached your daily allowance.' },
  internal_error: { status: 500, detail: 'A server error occurred.' },
  service_unavailable: { status: 503, detail: 'Service temporarily unavailable, try again later.' },
  llm_config: { status: 503, detail: 'AI service authentication failed. Please contact support.' },
  llm_unavailable: { status: 503, detail: 'Unable to connect to AI service. Please try again later.' },
  llm_rate_limited: { status: 429, detail: 'AI service is currently busy. Please wait a moment and try again.' },
  llm_bad_output: { status: 502, detail: 'AI service returned an answer that could not be used. Please try again.' },
  llm_timeout: { status: 504, detail: 'AI service took too long to answer. Please try again later.' },
  payments_not_configured: { status: 503, detail: 'Payments are not set up on this server.' },
  payment_provider_unavailable: { status: 503, detail: 'The payment service is unavailable right now. Please try again shortly.' },
  payment_provider_error: { status: 502, detail: 'The payment service could not complete the request. Please try again later.' },
} as const satisfies Record<string, { status: number; detail: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

/** An error meant for the client: its detail is safe to show. */
export class AppError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    detail?: string,
    options: { headers?: Record<string, string>; cause?: unknown; body?: Record<string, unknown> } = {},
  ) {
    super(detail ?? errorCatalogue[code].detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.status = errorCatalogue[code].status;
    this.headers = options.headers ?? {};
    this.body = options.body ?? {};
  }

  /** More fields for the answer, beside `detail` and `code`: e.g. the upstream's `error` message. */
  readonly body: Record<string, unknown>;
}

/** A 400 with field errors, in the `{"field": ["message"]}` shape. */
export class ValidationError extends Error {
  constructor(readonly fields: Record<string, string[]>) {
    super('Invalid input.');
    this.name = 'ValidationError';
  }

  /** One message for one field. */
  static field(field: string, message: string): ValidationError {
    return new ValidationError({ [field]: [message] });
  }
}

/** An error in the upstream's `{"error": "..."}` shape, with our `detail` and `code` beside it. */
export function upstreamError(code: ErrorCode, message: string = errorCatalogue[code].detail, cause?: unknown): AppError {
  return new AppError(code, message, { body: { error: message }, ...(cause === undefined ? {} : { cause }) });
}
