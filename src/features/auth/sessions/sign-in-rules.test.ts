import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenFamilies } from '../../../infra/db/schema.js';
import { newPerson, registerPerson } from '../../../../test/support/browser.js';
import { createTestApp, type TestApp } from '../../../../test/support/harness.js';

describe('sign-in rules', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await createTestApp('pglite');
  });
  afterAll(async () => testApp.close());

  const changePassword = (authorization: Record<string, string>, payload: Record<string, string>) =>
    testApp.app.inject({ method: 'POST', url: '/auth/password/change/', headers: authorization, payload });

  /** Makes the person's sign-in 20 minutes old, as if they had signed in earlier and kept refreshing. */
  const ageSignIn = (userId: number) =>
    testApp.services.database.db
      .update(tokenFamilies)
      .set({ authenticatedAt: sql`now() - interval '20 minutes'` })
      .where(eq(tokenFamilies.userId, userId));

  it('asks an older sign-in for the old password before changing it', async () => {
    const person = await registerPerson(testApp.app);
    await ageSignIn(person.id);
    const next = `${person.password}-next`;
    const without = await changePassword(person.auth, { new_password1: next, new_password2: next });
    expect(without.statusCode).toBe(400);
    expect(without.json()).toEqual({ old_password: ['This field is required.'] });

    const wrong = await changePassword(person.auth, { old_password: 'not-it', new_password1: next, new_password2: next });
    expect(wrong.json()).toEqual({ old_password: ['Your old password was entered incorrectly. Please enter it again.'] });

    const right = await changePassword(person.auth, { old_password: person.password, new_password1: next, new_password2: next });
    expect(right.statusCode).toBe(200);
    const login = await testApp.app.inject({ method: 'POST', url: '/auth/login/', payload: { username: person.username, password: next } });
    expect(login.statusCode).toBe(200);
  });

  it('keeps the sign-in that changed the password, and ends the others', async () => {
    const person = await registerPerson(testApp.app);
    const other = await testApp.app.inject({ method: 'POST', url: '/auth/login/', payload: { username: person.username, password: person.password } });
    const otherAccess = other.json<{ access: string }>().access;
    const next = `${person.password}-again`;
    expect((await changePassword(person.auth, { new_password1: next, new_password2: next })).statusCode).toBe(200);
    expect((await testApp.app.inject({ method: 'GET', url: '/auth/user/', headers: person.auth })).statusCode).toBe(200);
    const ended = await testApp.app.inject({ method: 'GET', url: '/auth/user/', headers: { authorization: `Bearer ${otherAccess}` } });
    expect(ended.statusCode).toBe(401);
  });

  it("signs in by e-mail to the address's owner, even when someone took that address as a username", async () => {
    const owner = await registerPerson(testApp.app, 'owner');
    const squatter = newPerson('squatter');
    const squat = await testApp.app.inject({
      method: 'POST',
      url: '/auth/registration/',
      payload: { username: owner.email, email: squatter.email, password1: squatter.password, password2: squatter.password },
    });
    expect(squat.statusCode).toBe(201);
    const login = await testApp.app.inject({ method: 'POST', url: '/auth/login/', payload: { username: owner.email, password: owner.password } });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ user: { pk: owner.id } });
    const byEmailField = await testApp.app.inject({ method: 'POST', url: '/auth/login/', payload: { email: owner.email.toUpperCase(), password: owner.password } });
    expect(byEmailField.json()).toMatchObject({ user: { pk: owner.id } });
  });
});
