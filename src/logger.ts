import { pino, type DestinationStream, type Logger } from 'pino';

// Never log credentials or what people upload.
const redact = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrftoken"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.password1',
  '*.password2',
  '*.new_password1',
  '*.new_password2',
  '*.old_password',
  '*.token',
  '*.refresh',
  '*.access',
];

const SECRET_QUERY_PARAMETERS = /([?&](?:token|refresh|access|key|password|code|session_id|id_token)=)[^&#]*/gi;
// Password-reset links carry their single-use token in the path.
const SECRET_PATH = /(\/reset\/confirm\/)[^/?#]+\/[^/?#]+/;

/** A request URL fit for a log line: secrets in the path or the query are replaced. */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_PATH, '$1[redacted]/[redacted]').replace(SECRET_QUERY_PARAMETERS, '$1[redacted]');
}

interface LoggedRequest {
  method?: string;
  url?: string;
  ip?: string;
  id?: string;
}

/** JSON logs on stdout (or `destination`), with credentials redacted. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: redact, censor: '[redacted]' },
    serializers: {
      req: (request: LoggedRequest) => ({ method: request.method, url: redactUrl(request.url), remoteAddress: request.ip }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
