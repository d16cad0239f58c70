import type { FastifySchema } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../src/app.js';
import { errorCodes } from '../src/http/errors.js';
import { createTestApp, type TestApp } from './support/harness.js';

/**
 * The error contract, checked on every route the app serves rather than on routes made for a test:
 * whatever a client sends, a 4xx body is `{"field": [...]}` or `{"detail", "code"}` with a code from
 * the catalogue.
 */
describe('the error contract on every route', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp('pglite');
    await testApp.app.ready();
  });
  afterAll(async () => testApp.close());

  const bodyRoutes = (): RouteEntry[] => testApp.app.routeTable.filter((route) => route.schema?.body !== undefined);
  /** A concrete path for a route, its parameters filled with harmless values. */
  const pathOf = (route: RouteEntry) => route.url.replace(/:\w+/g, 'x');
  const send = (route: RouteEntry, contentType: string, payload: string) =>
    testApp.app.inject({ method: route.method as 'POST', url: pathOf(route), headers: { 'content-type': contentType }, payload });

  function expectErrorBody(body: unknown, code: string): void {
    expect(body).toEqual({ detail: expect.any(String) as string, code });
    expect(errorCodes).toContain(code);
  }

  it('knows the routes that take a body', () => {
    const routes = bodyRoutes().map((route) => `${route.method} ${route.url}`);
    expect(routes).toEqual(expect.arrayContaining(['POST /auth/login/', 'POST /auth/registration/', 'POST /auth/password/reset/', 'PATCH /auth/user/']));
    expect(routes.length).toBeGreaterThanOrEqual(11);
  });

  it('answers malformed JSON with 400 parse_error on every route that takes a body', async () => {
    for (const route of bodyRoutes()) {
      const response = await send(route, 'application/json', '{"username": ');
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(400);
      expectErrorBody(response.json(), 'parse_error');
    }
  });

  it('answers a content type it does not take (text/plain included) with 415', async () => {
    for (const route of bodyRoutes()) {
      for (const type of ['text/plain', 'application/xml']) {
        const response = await send(route, type, 'username=x');
        expect(response.statusCode, `${route.method} ${route.url} ${type}`).toBe(415);
        expectErrorBody(response.json(), 'unsupported_media_type');
      }
    }
  });

  it('answers a body over the limit with 413', async () => {
    const oversized = JSON.stringify({ username: 'x'.repeat(1024 * 1024) });
    for (const route of bodyRoutes()) {
      const response = await send(route, 'application/json', oversized);
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(413);
      expectErrorBody(response.json(), 'payload_too_large');
    }
  });

  /** Free text that is cleaned rather than refused: its control characters are removed (tested with its feature). */
  const isSanitised = (schema: unknown) => JSON.stringify(schema).includes('"x-sanitised"');

  it('refuses NUL and other control characters in every string a body takes, with a field error, unless the field is cleaned', async () => {
    for (const route of bodyRoutes()) {
      const properties = (route.schema?.body as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
      const strings = Object.keys(properties).filter((name) => JSON.stringify(properties[name]).includes('"string"'));
      for (const name of strings) {
        if (isSanitised(properties[name])) {
          const response = await send(route, 'application/json', JSON.stringify({ [name]: 'ab\u0000cd' }));
          expect(response.json<Record<string, string[] | undefined>>()[name], `${route.method} ${route.url} ${name}`).toBeUndefined();
          continue;
        }
        for (const hostile of ['ab\u0000cd', 'ab\u0007cd', 'ab\u001bcd']) {
          const response = await send(route, 'application/json', JSON.stringify({ [name]: hostile }));
          expect(response.statusCode, `${route.method} ${route.url} ${name}`).toBe(400);
          expect(response.json<Record<string, string[]>>()[name], `${route.method} ${route.url} ${name}`).toEqual(expect.any(Array));
        }
      }
    }
  });

  it('declares, for every string a request carries, a pattern that refuses control characters', () => {
    const unguarded: string[] = [];
    const walk = (schema: unknown, where: string): void => {
      if (schema === null || typeof schema !== 'object') return;
      const node = schema as Record<string, unknown>;
      if (node.type === 'string' && node.const === undefined && node.enum === undefined && node['x-sanitised'] === undefined) {
        const pattern = typeof node.pattern === 'string' ? new RegExp(node.pattern, 'u') : undefined;
        if (!pattern || pattern.test('a\u0000b') || pattern.test('a\u001fb')) unguarded.push(where);
      }
      for (const [key, value] of Object.entries(node)) walk(value, `${where}/${key}`);
    };
    for (const route of testApp.app.routeTable) {
      const schema: FastifySchema = route.schema ?? {};
      for (const part of ['body', 'querystring', 'params'] as const) walk(schema[part], `${route.method} ${route.url} ${part}`);
    }
    expect(unguarded).toEqual([]);
  });

  it('documents both 400 shapes on every route that takes input', () => {
    const takesInput = testApp.app.routeTable.filter((route) => !route.hidden && (route.schema?.body ?? route.schema?.querystring ?? route.schema?.params) !== undefined);
    expect(takesInput.length).toBeGreaterThanOrEqual(12);
    for (const route of takesInput) {
      const badRequest = JSON.stringify((route.schema?.response as Record<string, unknown> | undefined)?.['400'] ?? null);
      expect(badRequest, `${route.method} ${route.url}`).toContain('"ErrorBody"');
      expect(badRequest, `${route.method} ${route.url}`).toContain('"FieldErrorsBody"');
    }
  });

  it('answers errors Fastify raises before routing in the same format', async () => {
    const longToken = await testApp.app.inject({ method: 'POST', url: `/auth/password/reset/confirm/MQ/${'t'.repeat(600)}/`, payload: {} });
    expect(longToken.statusCode).toBe(414);
    expectErrorBody(longToken.json(), 'uri_too_long');
    const overSchema = await testApp.app.inject({
      method: 'POST',
      url: `/auth/password/reset/confirm/MQ/${'t'.repeat(200)}/`,
      payload: { new_password1: 'Lantern-quartz-9', new_password2: 'Lantern-quartz-9' },
    });
    expect(overSchema.statusCode).toBe(400);
    expect(overSchema.json()).toEqual({ token: ['Ensure this field has no more than 128 characters.'] });
    const badUrl = await testApp.app.inject({ method: 'GET', url: '/auth/password/reset/confirm/%E0%A4%A/x/' });
    expect(badUrl.statusCode).toBe(400);
    expectErrorBody(badUrl.json(), 'invalid_request');
  });
});
