import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { count } from 'drizzle-orm';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../../infra/db/schema.js';
import { registerPerson } from '../../../../test/support/browser.js';
import { createTestApp, storageTargets, type TestApp } from '../../../../test/support/harness.js';

const CLIENT_ID = 'test-client.apps.googleusercontent.com';
const GOOGLE_ISSUER = 'https://accounts.google.com';
const KEY_ID = 'test-key-1';
const INVALID_TOKEN = { non_field_errors: ['Invalid Google ID token.'] };

interface SigningKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' } };
}

/** Google's certificate endpoint, played by a local HTTP server publishing one key. */
async function startJwksServer(key: JWK): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    if (request.method === 'GET' && request.url === '/certs') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [key] }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/certs`,
    requests: () => requests,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

interface GoogleClaims extends JWTPayload {
  email?: string;
  email_verified?: boolean;
  given_name?: string;
  family_name?: string;
}

interface SignOptions {
  key?: CryptoKey;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for a token that has expired. */
  expiresIn?: number;
}

let googleKey: SigningKey;

/** An ID token as Google issues it: RS256, the published key id, Google's issuer, our client id. */
async function googleIdToken(claims: GoogleClaims, options: SignOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = options.expiresIn ?? 3600;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' })
    .setIssuer(options.issuer ?? GOOGLE_ISSUER)
    .setAudience(options.audience ?? CLIENT_ID)
    .setIssuedAt(Math.min(now, now + expiresIn - 60))
    .setExpirationTime(now + expiresIn)
    .sign(options.key ?? googleKey.privateKey);
}

let counter = 0;

/** A Google account nobody has seen yet. */
function googleAccount(prefix = 'gperson') {
  counter += 1;
  const local = `${prefix}${counter}${Math.random().toString(36).slice(2, 6)}`;
  return {
    sub: `1${Date.now()}${counter}${Math.floor(Math.random() * 1e6)}`,
    email: `${local}@example.org`,
    email_verified: true,
    given_name: 'Grace',
    family_name: 'Hopper',
  };
}

interface SignedInBody {
  access: string;
  refresh: string;
  access_expiration: string;
  refresh_expiration: string;
  user: { pk: number; username: string; email: string; first_name: string; last_name: string; plan: { name: string } | null };
}

let jwks: Awaited<ReturnType<typeof startJwksServer>>;

beforeAll(async () => {
  googleKey = await newSigningKey();
  jwks = await startJwksServer(googleKey.publicJwk);
});
afterAll(async () => jwks.close());

function signInWithGoogle(testApp: TestApp, body: Record<string, unknown>): Promise<LightMyRequestResponse> {
  return testApp.app.inject({ method: 'POST', url: '/auth/social/login/google/', payload: body });
}

async function countUsers(testApp: TestApp): Promise<number> {
  const [row] = await testApp.services.database.db.select({ n: count() }).from(users);
  return Number(row?.n);
}

for (const target of storageTargets()) {
  describe.runIf(target.available)(`Google sign-in on ${target.name}`, () => {
    let testApp: TestApp;

    beforeAll(async () => {
      testApp = await createTestApp(target.name, { GOOGLE_CLIENT_ID: CLIENT_ID, GOOGLE_JWKS_URL: jwks.url });
    });
    afterAll(async () => testApp.close());

    const googleLogin = (body: Record<string, unknown>) => signInWithGoogle(testApp, body);
    const userCount = () => countUsers(testApp);

    it('creates a Free account for a new Google identity, signs it in, and signs the same account in again', async () => {
      const account = googleAccount();
      const before = await userCount();

      const first = await googleLogin({ id_token: await googleIdToken(account) });
      expect(first.statusCode, first.body).toBe(200);
      const body = first.json<SignedInBody>();
      expect(Object.keys(body).sort()).toEqual(['access', 'access_expiration', 'refresh', 'refresh_expiration', 'user']);
      expect(body.access).toEqual(expect.any(String));
      expect(body.refresh).toEqual(expect.any(String));
      expect(new Date(body.access_expiration).getTime()).toBeGreaterThan(Date.now());
      expect(new Date(body.refresh_expiration).getTime()).toBeGreaterThan(new Date(body.access_expiration).getTime());
      expect(body.user).toMatchObject({
        email: account.email,
        first_name: 'Grace',
        last_name: 'Hopper',
        plan: { name: 'Free', is_current: true },
      });
      expect(body.user.username).toBe(account.email.split('@')[0]);
      expect(await userCount()).toBe(before + 1);
      for (const name of ['access-token', 'refresh-token']) {
        const cookie = first.cookies.find((candidate) => candidate.name === name);
        expect(cookie, name).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
        expect(cookie?.value).toBeTruthy();
      }

      // The tokens work.
      const me = await testApp.app.inject({ method: 'GET', url: '/auth/user/', headers: { authorization: `Bearer ${body.access}` } });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ pk: body.user.pk, email: account.email });

      // The same Google subject signs in to the same account, even with other names in the token.
      const again = await googleLogin({ id_token: await googleIdToken({ ...account, given_name: 'Other', family_name: 'Name' }) });
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json<SignedInBody>().user).toMatchObject({ pk: body.user.pk, first_name: 'Grace', last_name: 'Hopper' });
      expect(again.json<SignedInBody>().access).not.toBe(body.access);
      expect(await userCount()).toBe(before + 1);
      expect(jwks.requests()).toBeGreaterThan(0);
    });

    it('links a Google identity to the password account with the same verified e-mail', async () => {
      const person = await registerPerson(testApp.app, 'linked');
      const before = await userCount();
      const account = { ...googleAccount(), email: person.email };

      const google = await googleLogin({ id_token: await googleIdToken(account) });
      expect(google.statusCode, google.body).toBe(200);
      expect(google.json<SignedInBody>().user).toMatchObject({ pk: person.id, username: person.username, email: person.email });
      expect(await userCount()).toBe(before);

      // Linked by subject now: the next Google sign-in lands there too.
      const again = await googleLogin({ id_token: await googleIdToken(account) });
      expect(again.json<SignedInBody>().user.pk).toBe(person.id);

      // The password still works.
      const login = await testApp.app.inject({ method: 'POST', url: '/auth/login/', payload: { username: person.username, password: person.password } });
      expect(login.statusCode, login.body).toBe(200);
      expect(login.json<SignedInBody>().user.pk).toBe(person.id);
    });

    it('accepts the token as `credential` and as `access_token`', async () => {
      const account = googleAccount('alias');
      const viaCredential = await googleLogin({ credential: await googleIdToken(account) });
      expect(viaCredential.statusCode, viaCredential.body).toBe(200);
      const pk = viaCredential.json<SignedInBody>().user.pk;
      expect(viaCredential.json<SignedInBody>().user.email).toBe(account.email);

      const viaAccessToken = await googleLogin({ access_token: await googleIdToken(account) });
      expect(viaAccessToken.statusCode, viaAccessToken.body).toBe(200);
      expect(viaAccessToken.json<SignedInBody>().user.pk).toBe(pk);
    });

    const forgeries: [string, () => Promise<string>][] = [
      ['the wrong audience', () => googleIdToken(googleAccount(), { audience: 'someone-else.apps.googleusercontent.com' })],
      ['the wrong issuer', () => googleIdToken(googleAccount(), { issuer: 'https://accounts.evil.example' })],
      ['an expired token', () => googleIdToken(googleAccount(), { expiresIn: -120 })],
      ['a token signed by another key under the published key id', async () => googleIdToken(googleAccount(), { key: (await newSigningKey()).privateKey })],
      [
        'an unsigned (alg: none) token',
        () =>
          Promise.resolve(
            new UnsecuredJWT({ ...googleAccount() })
              .setIssuer(GOOGLE_ISSUER)
              .setAudience(CLIENT_ID)
              .setIssuedAt()
              .setExpirationTime('1h')
              .encode(),
          ),
      ],
      [
        'an HS256 token keyed with the public key',
        () =>
          new SignJWT({ ...googleAccount() })
            .setProtectedHeader({ alg: 'HS256', kid: KEY_ID })
            .setIssuer(GOOGLE_ISSUER)
            .setAudience(CLIENT_ID)
            .setIssuedAt()
            .setExpirationTime('1h')
            .sign(new TextEncoder().encode(JSON.stringify(googleKey.publicJwk))),
      ],
      ['something that is not a JWT', () => Promise.resolve('not-a-jwt')],
    ];
    for (const [what, forge] of forgeries) {
      it(`refuses ${what} and creates no user`, async () => {
        const before = await userCount();
        const response = await googleLogin({ id_token: await forge() });
        expect(response.statusCode, response.body).toBe(400);
        expect(response.json()).toEqual(INVALID_TOKEN);
        expect(response.cookies.map((cookie) => cookie.name)).not.toContain('access-token');
        expect(await userCount()).toBe(before);
      });
    }

    it('refuses an unverified e-mail it does not know and creates no user', async () => {
      const before = await userCount();
      const response = await googleLogin({ id_token: await googleIdToken({ ...googleAccount('unverified'), email_verified: false }) });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toEqual({ non_field_errors: ['The Google account has no verified e-mail address.'] });
      expect(await userCount()).toBe(before);
    });

    it('does not link an unverified Google e-mail to the password account that has it', async () => {
      const person = await registerPerson(testApp.app, 'victim');
      const account = { ...googleAccount('attacker'), email: person.email, email_verified: false };
      const response = await googleLogin({ id_token: await googleIdToken(account) });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toEqual({ non_field_errors: ['The Google account has no verified e-mail address.'] });
      // Not linked either: the same subject with the address still unverified is refused again.
      expect((await googleLogin({ id_token: await googleIdToken(account) })).statusCode).toBe(400);
    });

    it('asks for the token when none is sent', async () => {
      const response = await googleLogin({});
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ id_token: ['This field is required.'] });
    });

    describe.each([
      // Port 1 on loopback: nothing listens, so fetching the keys fails at once.
      ["with Google's keys out of reach", { GOOGLE_CLIENT_ID: CLIENT_ID, GOOGLE_JWKS_URL: 'http://127.0.0.1:1/certs' }, 'Google sign-in is unavailable right now; try again shortly.'],
      ['without GOOGLE_CLIENT_ID', {}, 'Google sign-in is not configured.'],
    ])('%s', (_situation, env: Record<string, string>, detail) => {
      let unusable: TestApp;
      beforeAll(async () => {
        unusable = await createTestApp(target.name, env);
      });
      afterAll(async () => unusable.close());

      it('answers 503 (try again later), not "invalid token", and creates no user', async () => {
        const before = await countUsers(unusable);
        const response = await signInWithGoogle(unusable, { id_token: await googleIdToken(googleAccount()) });
        expect(response.statusCode).toBe(503);
        expect(response.json()).toEqual({ detail, code: 'service_unavailable' });
        expect(await countUsers(unusable)).toBe(before);
      });
    });
  });
}
