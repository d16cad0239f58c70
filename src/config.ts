import { availableParallelism } from 'node:os';
import path from 'node:path';

/** A configuration value that could not be parsed; the message names the variable. */
export class ConfigError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

type Parser<T> = (raw: string, variable: string) => T;

const text: Parser<string> = (raw) => raw;

function integer(min: number, max: number): Parser<number> {
  return (raw, variable) => {
    if (!/^\d+$/.test(raw)) throw new ConfigError(variable, `must be a whole number, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max) throw new ConfigError(variable, `must be between ${min} and ${max}, got ${value}`);
    return value;
  };
}

function oneOf<const T extends string>(choices: readonly T[]): Parser<T> {
  return (raw, variable) => {
    if (!(choices as readonly string[]).includes(raw)) {
      throw new ConfigError(variable, `must be one of ${choices.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  };
}

function url(protocols: readonly string[]): Parser<string> {
  return (raw, variable) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new ConfigError(variable, 'must be a URL');
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new ConfigError(variable, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
    }
    return raw;
  };
}

/** Fastify's trustProxy: true, false, or a comma list of proxy addresses and CIDRs. */
const proxyTrust: Parser<boolean | string> = (raw) => (raw === 'true' || raw === 'false' ? raw === 'true' : raw);

const origins: Parser<string[]> = (raw, variable) =>
  raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => url(['http:', 'https:'])(entry, variable).replace(/\/$/, ''));

interface Setting<T> {
  env: string;
  parse: Parser<T>;
  fallback: T;
  doc: string;
  /** How the default reads in the docs, when it is computed at start. */
  shownDefault?: string;
}

function setting<T>(env: string, parse: Parser<T>, fallback: T, doc: string, shownDefault?: string): Setting<T> {
  return { env, parse, fallback, doc, ...(shownDefault ? { shownDefault } : {}) };
}

const httpUrl = url(['http:', 'https:']);

/**
 * Every environment variable the service reads. The Config type, the README table and the
 * validation all come from this one list.
 */
export const settings = {
  port: setting('PORT', integer(0, 65535), 8000, 'HTTP port'),
  host: setting('HOST', text, '127.0.0.1', 'HTTP listen address'),
  trustProxy: setting<boolean | string>(
    'TRUST_PROXY',
    proxyTrust,
    false,
    'behind a reverse proxy: `true` or its addresses; then X-Forwarded-For/-Proto give the client address and https',
  ),
  dataDir: setting('DATA_DIR', text, './data', 'embedded database and stored files'),
  databaseUrl: setting<string | undefined>('DATABASE_URL', url(['postgres:', 'postgresql:']), undefined, 'PostgreSQL; unset: embedded PGlite under DATA_DIR'),
  redisUrl: setting<string | undefined>('REDIS_URL', url(['redis:', 'rediss:']), undefined, 'Redis for queue, cache and limits; unset: in-process'),
  redisKeyPrefix: setting('REDIS_KEY_PREFIX', text, 'cvimprover', 'prefix of every Redis key, so several deployments can share one Redis'),
  secretKey: setting<string | undefined>('SECRET_KEY', text, undefined, 'signs tokens; generated into DATA_DIR when unset in embedded mode, required with DATABASE_URL'),
  openaiApiKey: setting<string | undefined>('OPENAI_API_KEY', text, undefined, 'any OpenAI-compatible endpoint'),
  openaiBaseUrl: setting<string | undefined>('OPENAI_BASE_URL', httpUrl, undefined, 'OpenAI-compatible base URL (OpenAI, Ollama, vLLM, LM Studio)'),
  openaiModel: setting('OPENAI_MODEL', text, 'gpt-4o-mini', 'OpenAI-compatible model'),
  anthropicApiKey: setting<string | undefined>('ANTHROPIC_API_KEY', text, undefined, 'Anthropic key'),
  anthropicBaseUrl: setting<string | undefined>('ANTHROPIC_BASE_URL', httpUrl, undefined, 'Anthropic base URL'),
  anthropicModel: setting('ANTHROPIC_MODEL', text, 'claude-sonnet-5-5', 'Anthropic model'),
  llmProvider: setting<'openai' | 'anthropic' | 'offline' | undefined>('LLM_PROVIDER', oneOf(['openai', 'anthropic', 'offline']), undefined, '`openai`, `anthropic` or `offline`; unset: the first configured, else offline'),
  llmTimeoutSeconds: setting('LLM_TIMEOUT_SECONDS', integer(1, 600), 120, 'how long one call to the LLM provider may take before it is abandoned (and retried)'),
  llmMaxAttempts: setting('LLM_MAX_ATTEMPTS', integer(1, 10), 3, 'calls to the LLM provider per improvement before it fails (429, 5xx and timeouts are retried with backoff; 400 and 401 are not)'),
  llmMaxOutputTokens: setting('LLM_MAX_OUTPUT_TOKENS', integer(256, 64_000), 4000, 'largest answer asked of the LLM provider; the improved CV is stored up to 10 000 characters'),
  stripeSecretKey: setting<string | undefined>('STRIPE_SECRET_KEY', text, undefined, 'Stripe secret key'),
  stripeWebhookSecret: setting<string | undefined>('STRIPE_WEBHOOK_SECRET', text, undefined, 'Stripe webhook signing secret'),
  stripeApiBase: setting<string | undefined>('STRIPE_API_BASE', httpUrl, undefined, 'Stripe API base URL (tests point it at a local fake)'),
  googleClientId: setting<string | undefined>('GOOGLE_CLIENT_ID', text, undefined, 'Google sign-in client id'),
  googleJwksUrl: setting('GOOGLE_JWKS_URL', httpUrl, 'https://www.googleapis.com/oauth2/v3/certs', 'Google ID-token keys'),
  corsAllowedOrigins: setting('CORS_ALLOWED_ORIGINS', origins, ['http://localhost:3000'], 'comma list of origins allowed with credentials'),
  frontendUrl: setting('FRONTEND_URL', httpUrl, 'http://localhost:3000', 'where links in mails and redirects point'),
  smtpUrl: setting<string | undefined>('SMTP_URL', url(['smtp:', 'smtps:']), undefined, 'mail server; unset: mails are logged'),
  mailFrom: setting('MAIL_FROM', text, 'cvimprover <no-reply@localhost>', 'sender of mails'),
  workerConcurrency: setting(
    'WORKER_CONCURRENCY',
    integer(1, 256),
    Math.max(32, availableParallelism() * 16),
    'jobs run at once per worker process; most of their time is spent waiting on a language model or on the CPU pool, whose threads (one per CPU) bound the CPU work, so this is well above the CPU count',
    'max(32, 16 × CPU count)',
  ),
  jobLeaseSeconds: setting('JOB_LEASE_SECONDS', integer(2, 3600), 60, 'how long a running job may go without a heartbeat before another worker takes it'),
  extractionTimeoutSeconds: setting('EXTRACTION_TIMEOUT_SECONDS', integer(1, 600), 60, 'how long reading one uploaded CV (OCR included) may take before it fails with extraction_timeout'),
  renderProcesses: setting('RENDER_PROCESSES', integer(1, 64), 2, 'child processes rendering PDFs side by side in a worker process; each is replaced after 200 renders or 400 MB'),
  renderTimeoutSeconds: setting('RENDER_TIMEOUT_SECONDS', integer(1, 600), 10, 'how long rendering one PDF may take before its process is killed and the render fails with render_timeout'),
  requestTimeoutSeconds: setting('REQUEST_TIMEOUT_SECONDS', integer(1, 3600), 60, 'how long a client may take to send a whole request (headers and body) before it is cut off'),
  shutdownGraceSeconds: setting('SHUTDOWN_GRACE_SECONDS', integer(0, 600), 10, 'at SIGTERM, how long requests and jobs in flight may take to finish'),
  overloadEventLoopDelayMs: setting('OVERLOAD_EVENT_LOOP_DELAY_MS', integer(0, 60_000), 300, 'while the event loop lags more than this, requests are refused with 503 and Retry-After (overload); 0 turns it off'),
  rateLimitPerIpPerHour: setting(
    'RATE_LIMIT_PER_IP_PER_HOUR',
    integer(0, 100_000_000),
    1000,
    'requests one client address may make in an hour, on any route but the health check and the Stripe webhook; per-plan limits come from the plan rows; 0 turns it off',
  ),
  anonymousWritesPerIpPerMinute: setting(
    'ANONYMOUS_WRITES_PER_IP_PER_MINUTE',
    integer(0, 100_000_000),
    30,
    'unsafe requests (sign-in, sign-up, token refresh…) one client address may make in a minute without being signed in; signed-in people have their plan’s per-minute limit; 0 turns it off',
  ),
  signupsPerIpPerHour: setting('SIGNUPS_PER_IP_PER_HOUR', integer(0, 100_000_000), 10, 'registrations one client address may ask for in an hour; 0 turns it off'),
  passwordResetsPerIpPerHour: setting('PASSWORD_RESETS_PER_IP_PER_HOUR', integer(0, 100_000_000), 10, 'password-reset mails one client address may ask for in an hour; 0 turns it off'),
  logLevel: setting('LOG_LEVEL', oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info', 'pino log level'),
} as const;

type Settings = typeof settings;
export type Config = { [K in keyof Settings]: Settings[K]['fallback'] } & {
  /** The LLM provider actually in use. */
  llm: 'openai' | 'anthropic' | 'offline';
};

/** Parses and validates the environment once. Throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(settings) as [keyof Settings, Setting<unknown>][]) {
    const raw = env[spec.env];
    values[key] = raw === undefined || raw.trim() === '' ? spec.fallback : spec.parse(raw.trim(), spec.env);
  }
  const config = values as Omit<Config, 'llm'>;
  if (config.databaseUrl && !config.secretKey) {
    throw new ConfigError('SECRET_KEY', 'is required when DATABASE_URL is set (processes must share one key)');
  }
  if (config.secretKey !== undefined && config.secretKey.length < 32) {
    throw new ConfigError('SECRET_KEY', 'must be at least 32 characters long');
  }
  if (config.llmProvider === 'openai' && !config.openaiApiKey && !config.openaiBaseUrl) {
    throw new ConfigError('LLM_PROVIDER', 'is openai but neither OPENAI_API_KEY nor OPENAI_BASE_URL is set');
  }
  if (config.llmProvider === 'anthropic' && !config.anthropicApiKey) {
    throw new ConfigError('LLM_PROVIDER', 'is anthropic but ANTHROPIC_API_KEY is not set');
  }
  const llm = config.llmProvider ?? (config.openaiApiKey ? 'openai' : config.anthropicApiKey ? 'anthropic' : 'offline');
  return {
    ...config,
    dataDir: path.resolve(config.dataDir),
    llm,
  };
}
