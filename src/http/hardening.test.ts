import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPerson, registerPerson } from '../../test/support/browser.js';
import { STARTUP_GRACE_MS } from './overload.js';
import { createTestApp, type TestApp } from '../../test/support/harness.js';
import { waitFor } from '../../test/support/wait-for.js';

const WEB_ORIGIN = 'https://app.example.com';

// One app for the origin checks (made with app.inject) and the slow clients (over a socket, where the
// request time limit applies); the overload suite has its own, as load shedding is off in this one.
let testApp: TestApp;
// Made first and used last, so that its start-up grace has run out while the other suites ran.
let overloadApp: TestApp;
let overloadReadyAt: number;
beforeAll(async () => {
  [testApp, overloadApp] = await Promise.all([
    createTestApp('pglite', { CORS_ALLOWED_ORIGINS: WEB_ORIGIN, REQUEST_TIMEOUT_SECONDS: '1' }),
    createTestApp('pglite', { OVERLOAD_EVENT_LOOP_DELAY_MS: '100' }),
  ]);
  await overloadApp.app.ready();
  overloadReadyAt = Date.now();
});
afterAll(async () => {
  await Promise.all([testApp.close(), overloadApp.close()]);
});

describe('requests a browser sends for another site', () => {
  let person: Awaited<ReturnType<typeof registerPerson>>;
  beforeAll(async () => {
    // Signing in does not use the account up: one serves every form below.
    person = await registerPerson(testApp.app, 'formlogin');
  });

  const formLogin = async (headers: Record<string, string>) => {
    return testApp.app.inject({
      method: 'POST',
      url: '/auth/login/',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams({ username: person.username, password: person.password }).toString(),
    });
  };

  it('refuses a form post that signs the browser in from another site (login CSRF)', async () => {
    const response = await formLogin({ origin: 'https://evil.example' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ detail: 'CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins.', code: 'csrf_failed' });
    expect(response.cookies).toEqual([]);
  });

  it('refuses one that only Sec-Fetch-Site names as cross-site, and an opaque origin', async () => {
    expect((await formLogin({ 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await formLogin({ origin: 'null' })).statusCode).toBe(403);
  });

  it('takes forms from the web client, from the API’s own pages, and from clients that are not browsers', async () => {
    expect((await formLogin({ origin: WEB_ORIGIN, 'sec-fetch-site': 'same-site' })).statusCode).toBe(200);
    expect((await formLogin({ origin: 'http://localhost:80' })).statusCode).toBe(200);
    expect((await formLogin({})).statusCode).toBe(200);
  });

  it('refuses a cross-site registration form too', async () => {
    const person = newPerson('formsignup');
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/auth/registration/',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      payload: new URLSearchParams({ username: person.username, email: person.email, password1: person.password, password2: person.password }).toString(),
    });
    expect(response.statusCode).toBe(403);
  });
});

// Both tests mostly wait for the server to give up on them: they run side by side.
describe.concurrent('slow clients', () => {
  let port: number;
  beforeAll(async () => {
    await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    port = (testApp.app.server.address() as AddressInfo).port;
  });

  /** Sends `head` at once, then one byte of `trickle` every 300 ms; resolves with what came back and when the server hung up. */
  function trickle(head: string, trickled: string): Promise<{ answer: string; closedAfterMs: number }> {
    return new Promise((resolve) => {
      const started = Date.now();
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      let index = 0;
      const timer = setInterval(() => {
        if (index < trickled.length && !socket.destroyed) socket.write(trickled[index++] ?? '');
      }, 300);
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString('utf8');
      });
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ answer, closedAfterMs: Date.now() - started });
      });
      socket.write(head);
    });
  }

  it('cuts off a body sent a byte at a time', async () => {
    const body = JSON.stringify({ username: 'slowpoke', password: 'x'.repeat(60) });
    const head = `POST /auth/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { answer, closedAfterMs } = await trickle(head, body);
    expect(closedAfterMs).toBeLessThan(4000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts off headers sent a byte at a time', async () => {
    const { closedAfterMs } = await trickle('GET /core/plans/ HTTP/1.1\r\n', 'Host: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n');
    expect(closedAfterMs).toBeLessThan(4000);
  });
});

describe('overload', () => {
  it('is shed with 503 and Retry-After while the event loop lags, and served again once it catches up', async () => {
    const testApp = overloadApp;
    expect((await testApp.app.inject({ method: 'GET', url: '/core/plans/' })).statusCode).toBe(200);
    // The stall that start-up itself causes (compiling the schemas) is forgiven for a moment.
    await sleep(Math.max(0, overloadReadyAt + STARTUP_GRACE_MS + 100 - Date.now()));
    // The event loop keeps stalling, as it does when work piles up faster than it is done (the lag
    // is a mean over a sample, so one stall among quick turns is not an overload).
    let shed: LightMyRequestResponse | undefined;
    const giveUp = Date.now() + 5000;
    while (!shed && Date.now() < giveUp) {
      const stalledUntil = Date.now() + 200;
      while (Date.now() < stalledUntil) {
        // busy
      }
      await sleep(1);
      const response = await testApp.app.inject({ method: 'GET', url: '/core/plans/' });
      if (response.statusCode === 503) shed = response;
    }
    if (!shed) throw new Error('no request was shed while the event loop kept stalling');
    expect(shed.headers['retry-after']).toBe('2');
    expect(shed.json()).toEqual({ detail: 'The service is overloaded; try again shortly.', code: 'service_unavailable' });
    await waitFor(async () => (await testApp.app.inject({ method: 'GET', url: '/core/plans/' })).statusCode === 200, 5000, 'requests to be served again');
  });
});
