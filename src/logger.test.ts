import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from './app.js';
import { loadConfig } from './config.js';
import { createLogger, redactUrl } from './logger.js';
import { createTestEnvironment, type TestEnvironment } from '../test/support/harness.js';

describe('logs', () => {
  const lines: string[] = [];
  let environment: TestEnvironment;
  let app: App;

  beforeAll(async () => {
    environment = await createTestEnvironment('pglite');
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    // The same services, logging at the most talkative level into memory.
    app = await buildApp({ ...environment.services, logger: createLogger('trace', sink), config: loadConfig({ ...environment.env, LOG_LEVEL: 'trace' }) }, environment.features);
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

  it('redacts secrets in URLs', () => {
    expect(redactUrl('/auth/password/reset/confirm/MQ/abc123/')).toBe('/auth/password/reset/confirm/[redacted]/[redacted]/');
    expect(redactUrl('/core/payments/verify-session/?session_id=cs_123&x=1')).toBe('/core/payments/verify-session/?session_id=[redacted]&x=1');
  });
});
