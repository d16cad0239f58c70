import { DrizzleQueryError } from 'drizzle-orm/errors';
import pg from 'pg';
import { TimeoutError } from '../../lib/with-timeout.js';

// What went wrong with the database, told apart by SQLSTATE codes and system error codes, never by
// message text: messages change between versions and languages, codes do not.

/** The error and its causes, outermost first. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && current !== null && chain.length < 10; current = (current as { cause?: unknown }).cause) {
    chain.push(current);
  }
  return chain;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The SQLSTATE (or system error code) nearest the root of the chain that has one. */
export function databaseErrorCode(error: unknown): string | undefined {
  return causeChain(error)
    .map(codeOf)
    .filter((code): code is string => code !== undefined)
    .at(-1);
}

/** A unique constraint refused the write (SQLSTATE 23505), whichever driver raised it and however it was wrapped. */
export function isUniqueViolation(error: unknown): boolean {
  return databaseErrorCode(error) === '23505';
}

// Socket-level failures: the server is not there, or the connection to it broke.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs that mean the server cannot serve now, whatever the query: connection exceptions (08),
 * insufficient resources (53: too many connections, out of memory, disk full) and operator
 * intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03 starting up or shutting down).
 */
function isOutageState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || code === '57P01' || code === '57P02' || code === '57P03';
}

/** A connection could not be had from the pool: whatever the cause, the database is unavailable to us. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super('could not get a database connection', { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * Whether a failed query failed because the database is unavailable (down, restarting, out of
 * connections, unreachable) rather than because of the query: the first answers 503, the second 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const chain = causeChain(error);
  if (chain.some((link) => link instanceof DatabaseUnavailableError)) return true;
  for (const link of chain) {
    const code = codeOf(link);
    if (code !== undefined && (NETWORK_CODES.has(code) || (link instanceof pg.DatabaseError && isOutageState(code)))) return true;
  }
  // The driver reports a broken connection (terminated, reset mid-query) as a plain Error without a
  // code; the server reports problems with a query as a DatabaseError. The root cause tells them apart.
  const root = chain.at(-1);
  const wrappedByQuery = chain.some((link) => link instanceof DrizzleQueryError);
  return wrappedByQuery && root instanceof Error && root.constructor === Error && codeOf(root) === undefined;
}

/** Why a process could not start on its database; each reason has its own message and exit code. */
type DatabaseStartupReason = 'unreachable' | 'authentication_failed' | 'database_missing' | 'schema_out_of_date' | 'data_dir_locked';

/** Exit codes of a process that could not start on its database (2 is an invalid configuration). */
export const startupExitCodes: Record<DatabaseStartupReason, number> = {
  unreachable: 3,
  authentication_failed: 4,
  database_missing: 5,
  schema_out_of_date: 6,
  data_dir_locked: 7,
};

/** The process cannot start on this database; the message says why and what to do. */
export class DatabaseStartupError extends Error {
  readonly exitCode: number;

  constructor(
    readonly reason: DatabaseStartupReason,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'DatabaseStartupError';
    this.exitCode = startupExitCodes[reason];
  }
}

/** The server and database a URL names, for messages (never its password). */
function describeDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

/** Names the cause of a failed first connection, or undefined when it is none of the known ones. */
export function startupErrorFor(error: unknown, databaseUrl: string): DatabaseStartupError | undefined {
  const where = describeDatabaseUrl(databaseUrl);
  const user = decodeURIComponent(new URL(databaseUrl).username) || 'the default user';
  const code = databaseErrorCode(error);
  if (code === '28P01' || code === '28000') {
    return new DatabaseStartupError('authentication_failed', `PostgreSQL at ${where} refused to authenticate ${user}; check the user and password in DATABASE_URL.`, error);
  }
  if (code === '3D000') {
    return new DatabaseStartupError('database_missing', `The database ${new URL(databaseUrl).pathname.slice(1)} does not exist on ${where}; create it (createdb), then run \`cvimprover migrate\`.`, error);
  }
  if (error instanceof TimeoutError || isDatabaseUnavailable(error)) {
    return new DatabaseStartupError('unreachable', `PostgreSQL at ${where} cannot be reached (${code ?? 'no answer'}); check DATABASE_URL and that the server is running.`, error);
  }
  return undefined;
}
