import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../infra/db/schema.js';
import { createTestApp, storageTargets, type TestApp } from '../../test/support/harness.js';
import { AppError, ValidationError } from './errors.js';

for (const target of storageTargets()) {
  describe.runIf(target.available)(`error format on ${target.name}`, () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createTestApp(target.name);
      const { app, services } = testApp;
      // Routes that exist only in this suite, to drive each kind of failure through the real handler.
      app.post(
        '/test/validated/',
        {
          schema: {
            body: Type.Object({
              name: Type.String({ maxLength: 5 }),
              level: Type.Union([Type.Literal('0-2'), Type.Literal('3-5')]),
              email: Type.Optional(Type.String({ format: 'email' })),
            }),
          },
        },
        async () => ({ ok: true }),
      );
      app.get('/test/crash/', async () => {
        throw new Error('connection to 10.0.0.5 failed: password authentication failed for user "admin"');
      });
      app.get('/test/app-error/', async () => {
        throw new AppError('permission_denied', 'Only staff may do this.');
      });
      app.get('/test/field-error/', async () => {
        throw ValidationError.field('email', 'A user with this email address already exists.');
      });
      app.post('/test/duplicate/', async () => {
        await services.database.db.insert(users).values({ username: 'twin', email: 'twin@example.com' });
        await services.database.db.insert(users).values({ username: 'TWIN', email: 'other@example.com' });
        return { ok: true };
      });
    });
    afterAll(async () => testApp.close());

    it('answers an unknown route with 404 in the error format', async () => {
      const response = await testApp.app.inject({ method: 'GET', url: '/no/such/route/?x=1' });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ detail: 'No route for GET /no/such/route/.', code: 'not_found' });
    });

    it('answers a method the path does not take with 405 and the methods it does', async () => {
      const logout = await testApp.app.inject({ method: 'GET', url: '/auth/logout/' });
      expect(logout.statusCode).toBe(405);
      expect(logout.json()).toEqual({ detail: 'Method "GET" not allowed.', code: 'method_not_allowed' });
      expect(logout.headers.allow).toBe('POST');
      const user = await testApp.app.inject({ method: 'DELETE', url: '/auth/user/' });
      expect(user.statusCode).toBe(405);
      expect(user.headers.allow).toBe('GET, PATCH, PUT');
      const confirm = await testApp.app.inject({ method: 'GET', url: '/auth/password/reset/confirm/MQ/some-token/' });
      expect(confirm.headers.allow).toBe('POST');
    });

    it('answers invalid input with every field and its messages', async () => {
      const response = await testApp.app.inject({ method: 'POST', url: '/test/validated/', payload: { name: 'far too long', email: 'nope' } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        name: ['Ensure this field has no more than 5 characters.'],
        level: ['This field is required.'],
        email: ['Enter a valid email address.'],
      });
    });

    it('names the choice that is not valid', async () => {
      const response = await testApp.app.inject({ method: 'POST', url: '/test/validated/', payload: { name: 'ok', level: '9-9' } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toHaveProperty('level');
    });

    it('answers malformed JSON with 400 parse_error', async () => {
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/test/validated/',
        headers: { 'content-type': 'application/json' },
        payload: '{"name": ',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ detail: 'Malformed request body.', code: 'parse_error' });
    });

    it('answers a body over the limit with 413', async () => {
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/test/validated/',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
      });
      expect(response.statusCode).toBe(413);
      expect(response.json()).toEqual({ detail: 'Request body is too large.', code: 'payload_too_large' });
    });

    it('answers an unsupported content type with 415', async () => {
      const response = await testApp.app.inject({ method: 'POST', url: '/test/validated/', headers: { 'content-type': 'application/x-thing' }, payload: 'x' });
      expect(response.statusCode).toBe(415);
      expect(response.json()).toMatchObject({ code: 'unsupported_media_type' });
    });

    it('hides the internals of an unexpected error', async () => {
      const response = await testApp.app.inject({ method: 'GET', url: '/test/crash/' });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ detail: 'A server error occurred.', code: 'internal_error' });
      expect(response.body).not.toContain('10.0.0.5');
    });

    it('passes an AppError through with its code and status', async () => {
      const response = await testApp.app.inject({ method: 'GET', url: '/test/app-error/' });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ detail: 'Only staff may do this.', code: 'permission_denied' });
    });

    it('passes a field error through in the field format', async () => {
      const response = await testApp.app.inject({ method: 'GET', url: '/test/field-error/' });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ email: ['A user with this email address already exists.'] });
    });

    it('maps a unique violation to 409 whichever driver raised it', async () => {
      const response = await testApp.app.inject({ method: 'POST', url: '/test/duplicate/' });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toEqual({ detail: 'The request conflicts with existing data.', code: 'conflict' });
    });

    it('sends security headers with every answer, errors included', async () => {
      const response = await testApp.app.inject({ method: 'GET', url: '/no/such/route/' });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    });

    it('echoes a request id, or makes one', async () => {
      const given = await testApp.app.inject({ method: 'GET', url: '/no/', headers: { 'x-request-id': 'abc-123' } });
      expect(given.headers['x-request-id']).toBe('abc-123');
      const made = await testApp.app.inject({ method: 'GET', url: '/no/', headers: { 'x-request-id': 'bad id\n' } });
      expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
}
