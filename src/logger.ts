import { createHash } from 'node:crypto';
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

// Never log credentials, what people upload, or who they are: secrets are replaced, e-mail
// addresses become a short hash (the same address gives the same hash, so a trail can still be followed).

const REDACTED = '[redacted]';

// Top-level fields only: wildcard paths make every log line walk every object it carries, and no
// log call here passes request bodies or headers (requests are logged by the serializer below).
const SECRET_FIELDS = ['password', 'passwordHash', 'token', 'refresh', 'access', 'authorization', 'cookie'];
const PERSONAL_FIELDS = ['email', 'to'];

const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9-]+(?:\.[A-Z0-9-]+)*\.[A-Z]{2,}/gi;

/** A stand-in for an e-mail address: the same for the same address, and says nothing of it. */
export function hashEmail(address: string): string {
  return `email:${createHash('sha256').update(address.toLowerCase()).digest('hex').slice(0, 12)}`;
}

function withoutEmails(text: string): string {
  return text.replace(EMAIL, hashEmail);
}

// Query parameters whose name says they carry a credential: access_token, jwt, id_token, api_key, code, session_id…
const SECRET_PARAMETER_NAME = /token|jwt|key|secret|pass|code|session|credential|auth|sig|refresh|access/i;
// Password-reset links carry their single-use token in the path.
const SECRET_PATH = /(\/reset\/confirm\/)[^/?#]+\/[^/?#]+/;

/** A request URL fit for a log line: secrets in the path or the query are replaced, addresses hashed. */
export function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const redacted = url
    .replace(SECRET_PATH, `$1${REDACTED}/${REDACTED}`)
    .replace(/([?&])([^=&#]*)=([^&#]*)/g, (match, separator: string, name: string) => (SECRET_PARAMETER_NAME.test(name) ? `${separator}${name}=${REDACTED}` : match));
  return withoutEmails(redacted);
}

// Error fields that carry the values of a failed query: the SQL parameters (password hashes, e-mail
// addresses, tokens), and PostgreSQL's detail ("Failing row contains (...)", "Key (email)=(...)").
const VALUE_FIELDS = new Set(['params', 'parameters', 'detail']);

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return withoutEmails(value.replace(/\nparams: .*/g, '\nparams: [redacted]'));
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (!VALUE_FIELDS.has(key)) result[key] = scrub(field, depth + 1);
  }
  return result;
}

/** An error as a log line shows it: type, message, stack and causes, without the values of a failed query. */
function serializeError(error: unknown): unknown {
  return error instanceof Error ? scrub(stdSerializers.errWithCause(error)) : scrub(error);
}

interface LoggedRequest {
  method?: string;
  url?: string;
  ip?: string;
}

interface LoggedReply {
  statusCode?: number;
}

/** JSON logs on stdout (or `destination`), with credentials redacted and e-mail addresses hashed. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: {
      paths: [...SECRET_FIELDS, ...PERSONAL_FIELDS],
      censor: (value: unknown, path: string[]) => {
        if (!PERSONAL_FIELDS.includes(path.at(-1) ?? '')) return REDACTED;
        return typeof value === 'string' ? hashEmail(value) : value;
      },
    },
    serializers: {
      err: serializeError,
      req: (request: LoggedRequest) => ({ method: request.method, url: redactUrl(request.url), remoteAddress: request.ip }),
      res: (reply: LoggedReply) => ({ statusCode: reply.statusCode }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
