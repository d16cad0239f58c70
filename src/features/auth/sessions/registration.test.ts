import { count, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../../infra/db/schema.js';
import { newPerson, registerPerson } from '../../../../test/support/browser.js';
import { createTestApp, storageTargets, type TestApp } from '../../../../test/support/harness.js';

for (const target of storageTargets()) {
  describe.runIf(target.available)(`registration rules on ${target.name}`, () => {
    let testApp: TestApp;
    beforeAll(async () => {
      testApp = await createTestApp(target.name);
    });
    afterAll(async () => testApp.close());

    const register = (fields: Partial<Record<'username' | 'email' | 'password1' | 'password2', unknown>>) => {
      const person = newPerson('rules');
      return testApp.app.inject({
        method: 'POST',
        url: '/auth/registration/',
        payload: { username: person.username, email: person.email, password1: person.password, password2: person.password, ...fields },
      });
    };
    const userCount = async () => (await testApp.services.database.db.select({ value: count() }).from(users))[0]?.value ?? 0;

    it('stores the address trimmed and lower-cased, and the password only as an argon2id hash', async () => {
      const person = newPerson('Stored');
      const response = await register({ username: person.username, email: `  ${person.email.toUpperCase()} `, password1: person.password, password2: person.password });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ user: { email: person.email.toLowerCase() } });
      const [row] = await testApp.services.database.db
        .select({ hash: users.passwordHash })
        .from(users)
        .where(sql`${users.username} = ${person.username}`);
      expect(row?.hash).toMatch(/^\$argon2id\$/);
      expect(row?.hash).not.toContain(person.password);
    });

    it.each([
      ['jane@gmial.com', 'Did you mean "jane@gmail.com"? Please check your email address.'],
      ['jane@hotmail.co', 'Did you mean "jane@hotmail.com"? Please check your email address.'],
      ['jane@mailinator.com', 'Disposable email addresses are not allowed. Please use a permanent email address.'],
      ['not-an-address', 'Enter a valid email address.'],
      ['jane@@example.org', 'Enter a valid email address.'],
    ])('refuses the address %s', async (email, message) => {
      const before = await userCount();
      const response = await register({ email });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ email: [message] });
      expect(await userCount()).toBe(before);
    });

    it('refuses an address or a username already in use, whatever its case', async () => {
      const existing = await registerPerson(testApp.app);
      const sameEmail = await register({ email: existing.email.toUpperCase() });
      expect(sameEmail.json()).toEqual({ email: ['A user is already registered with this e-mail address.'] });
      const sameName = await register({ username: existing.username.toUpperCase() });
      expect(sameName.json()).toEqual({ username: ['A user with that username already exists.'] });
    });

    it.each([
      ['short1!', 'This password is too short. It must contain at least 8 characters.'],
      ['password', 'This password is too common.'],
      ['12345678901', 'This password is entirely numeric.'],
    ])('refuses the password %s', async (password, message) => {
      const response = await register({ password1: password, password2: password });
      expect(response.statusCode).toBe(400);
      expect(response.json<{ password1: string[] }>().password1).toContain(message);
    });

    it('refuses a password too close to the username', async () => {
      const response = await register({ username: 'marguerite', password1: 'Marguerite1', password2: 'Marguerite1' });
      expect(response.json()).toEqual({ password1: ['The password is too similar to the username.'] });
    });

    it('reports passwords that differ, with every other problem at once', async () => {
      const response = await register({ email: 'x@mailinator.com', password1: 'Lantern-quartz-1', password2: 'Lantern-quartz-2' });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        email: ['Disposable email addresses are not allowed. Please use a permanent email address.'],
        non_field_errors: ["The two password fields didn't match."],
      });
    });

    it('reports missing and malformed fields in the field format', async () => {
      const response = await testApp.app.inject({ method: 'POST', url: '/auth/registration/', payload: { username: 'bad name!' } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        username: ['This value does not have the expected format.'],
        email: ['This field is required.'],
        password1: ['This field is required.'],
        password2: ['This field is required.'],
      });
    });

    it('gives one account to two identical sign-ups racing, never a 500', async () => {
      const person = newPerson('race');
      const payload = { username: person.username, email: person.email, password1: person.password, password2: person.password };
      const responses = await Promise.all([1, 2, 3].map(() => testApp.app.inject({ method: 'POST', url: '/auth/registration/', payload })));
      const statuses = responses.map((response) => response.statusCode).sort();
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.every((status) => status === 201 || status === 400 || status === 409)).toBe(true);
    });

    it('accepts the form encoding browsers post too', async () => {
      const person = newPerson('form');
      const response = await testApp.app.inject({
        method: 'POST',
        url: '/auth/registration/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ username: person.username, email: person.email, password1: person.password, password2: person.password }).toString(),
      });
      expect(response.statusCode).toBe(201);
    });

    it('names what is missing at login', async () => {
      const response = await testApp.app.inject({ method: 'POST', url: '/auth/login/', payload: { username: 'someone' } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ non_field_errors: ['Must include "username" and "password".'] });
    });
  });
}
