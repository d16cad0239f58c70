import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPerson } from '../../../test/support/browser.js';
import { createTestApp, type TestApp } from '../../../test/support/harness.js';

describe('/auth/user/ profile rules', () => {
  let testApp: TestApp;
  let person: Awaited<ReturnType<typeof registerPerson>>;
  beforeAll(async () => {
    testApp = await createTestApp('pglite', { CORS_ALLOWED_ORIGINS: 'https://app.example.com' });
    person = await registerPerson(testApp.app);
  });
  afterAll(async () => testApp.close());

  const send = (method: 'PUT' | 'PATCH', payload: object) => testApp.app.inject({ method, url: '/auth/user/', headers: person.auth, payload });

  it('requires the username on PUT, not on PATCH', async () => {
    const put = await send('PUT', { first_name: 'Ada' });
    expect(put.statusCode).toBe(400);
    expect(put.json()).toEqual({ username: ['This field is required.'] });
    expect((await send('PATCH', { first_name: 'Ada' })).json()).toMatchObject({ first_name: 'Ada' });
  });

  it('lets the caller re-send an unchanged username', async () => {
    const response = await send('PUT', { username: person.username, last_name: 'Byron' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ username: person.username, last_name: 'Byron' });
  });

  it.each([
    ['1990-02-30', 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
    ['2999-01-01', 'Enter a date between 1900-01-01 and today.'],
  ])('refuses the date of birth %s', async (date, message) => {
    const response = await send('PATCH', { date_of_birth: date });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ date_of_birth: [message] });
  });

  it('checks the e-mail rules on a change, as at sign-up', async () => {
    const response = await send('PATCH', { email: 'ada@gmai.com' });
    expect(response.json()).toEqual({ email: ['Did you mean "ada@gmail.com"? Please check your email address.'] });
  });

  it('refuses over-long names with the field format', async () => {
    const response = await send('PATCH', { first_name: 'x'.repeat(151) });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ first_name: ['Ensure this field has no more than 150 characters.'] });
  });

  it('answers the allowed web origin with credentials, and no other origin', async () => {
    const allowed = await testApp.app.inject({ method: 'OPTIONS', url: '/auth/user/', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'x-csrftoken,content-type' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('x-csrftoken');
    expect(String(allowed.headers['access-control-allow-methods']).split(/,\s*/)).toEqual(expect.arrayContaining(['PATCH', 'PUT', 'DELETE', 'POST']));
    const other = await testApp.app.inject({ method: 'OPTIONS', url: '/auth/user/', headers: { origin: 'https://evil.example', 'access-control-request-method': 'PATCH' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
