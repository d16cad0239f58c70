import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from './app.js';
import { loadConfig } from './config.js';
import { hashEmail, redactUrl } from './logger.js';
import { memoryLog } from '../test/support/memory-log.js';
import { createTestEnvironment, type TestEnvironment } from '../test/support/harness.js';

describe('logs', () => {
  const log = memoryLog('trace');
  const lines = log.lines;
  let environment: TestEnvironment;
  let app: App;

  beforeAll(async () => {
    environment = await createTestEnvironment('pglite');
    // The same services, logging at the most talkative level into memory.
    app = await buildApp({ ...environment.services, logger: log.logger, config: loadConfig({ ...environment.env, LOG_LEVEL: 'trace' }) }, environment.features);
  });
  afterAll(async () => {
    await app.close();
    await environment.close();
  });

  it('carry a request id on every request line, and never a password or token', async () => {
    const password = 'Unique-Pass-phrase-7781';
    const registration = await app.inject({
      method: 'POST',
      url: '/auth/registration/',
      headers: { 'x-request-id': 'req-logs-1' },
      payload: { username: 'loggy', email: 'loggy@example.org', password1: password, password2: password },
    });
    const { access, refresh } = registration.json<{ access: string; refresh: string }>();
    await app.inject({ method: 'GET', url: '/auth/user/', headers: { authorization: `Bearer ${access}`, cookie: `refresh-token=${refresh}` } });
    await app.inject({ method: 'POST', url: '/auth/password/reset/confirm/MQ/secret-reset-token-value/', payload: { new_password1: password, new_password2: password } });
    await app.inject({ method: 'GET', url: `/core/plans/?token=${access}` });

    const requestLines = lines.filter((line) => line.includes('"reqId"'));
    expect(requestLines.length).toBeGreaterThanOrEqual(4);
    // One line per request, written when it ends, with what it was and how it ended.
    const registrationLines = lines.filter((line) => line.includes('"reqId":"req-logs-1"'));
    expect(registrationLines).toHaveLength(1);
    expect(JSON.parse(registrationLines[0] ?? '{}')).toMatchObject({ msg: 'request completed', req: { method: 'POST', url: '/auth/registration/' }, res: { statusCode: 201 } });
    const all = lines.join('\n');
    for (const secret of [password, access, refresh, 'secret-reset-token-value']) expect(all).not.toContain(secret);
  });

  it('carry neither the values of a failed insert nor e-mail addresses or tokens', async () => {
    // Any insert into users now fails inside PostgreSQL, after the password was hashed.
    const { db } = environment.services.database;
    await db.execute(sql`create function refuse_users() returns trigger language plpgsql as $$ begin raise exception 'users are closed today'; end $$`);
    await db.execute(sql`create trigger refuse_users before insert on users for each row execute function refuse_users()`);
    const before = lines.length;
    const password = 'Failing-insert-pass-8812';
    const response = await app.inject({
      method: 'POST',
      url: '/auth/registration/?access_token=query-token-1234&jwt=query-jwt-5678',
      headers: { 'x-request-id': 'req-logs-insert' },
      payload: { username: 'insertfails', email: 'insert.fails@example.org', password1: password, password2: password },
    });
    expect(response.statusCode).toBe(500);
    const written = lines.slice(before).join('\n');
    // The failure itself is there, with its cause, tied to the request.
    expect(written).toContain('users are closed today');
    expect(written).toContain('"reqId":"req-logs-insert"');
    for (const secret of ['$argon2', password, 'insert.fails@example.org', 'query-token-1234', 'query-jwt-5678']) expect(written).not.toContain(secret);
  });

  it('hashes e-mail addresses, in fields and in text alike', () => {
    const { logger, lines: captured } = memoryLog();
    logger.info({ email: 'Jane.Doe@Example.org', to: 'jane.doe@example.org' }, 'a mail');
    logger.error({ err: new Error('no mailbox for jane.doe@example.org') }, 'a failure');
    const written = captured.join('');
    expect(written.toLowerCase()).not.toContain('jane.doe@example.org');
    // The same address gives the same stand-in, so a trail through the logs can still be followed.
    expect(written.split(hashEmail('jane.doe@example.org')).length - 1).toBeGreaterThanOrEqual(3);
    expect(redactUrl('/auth/user/?email=jane.doe@example.org')).toBe(`/auth/user/?email=${hashEmail('jane.doe@example.org')}`);
  });

  it('redacts secrets in URLs', () => {
    expect(redactUrl('/auth/password/reset/confirm/MQ/abc123/')).toBe('/auth/password/reset/confirm/[redacted]/[redacted]/');
    expect(redactUrl('/core/payments/verify-session/?session_id=cs_123&x=1')).toBe('/core/payments/verify-session/?session_id=[redacted]&x=1');
    for (const name of ['access_token', 'jwt', 'id_token', 'api_key', 'code', 'refresh', 'token', 'credential']) {
      expect(redactUrl(`/p/?page=2&${name}=secret-value`)).toBe(`/p/?page=2&${name}=[redacted]`);
    }
  });
});
