import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs, passwordResetTokens } from '../../../infra/db/schema.js';
import { startWorker, type RunningWorker } from '../../../process/worker-role.js';
import { registerPerson } from '../../../../test/support/browser.js';
import { createTestApp, storageTargets, type TestApp } from '../../../../test/support/harness.js';
import { waitFor } from '../../../../test/support/wait-for.js';
import { passwordResetMailKind } from './jobs.js';

const MAIL_SENT = { detail: 'Password reset e-mail has been sent.' };
const RESET_DONE = { detail: 'Password has been reset with the new password.' };
const INVALID_TOKEN = { token: ['Invalid value'] };
const RESET_MAIL_KIND = passwordResetMailKind.kind;
const MAIL_TIMEOUT_MS = 15_000;

interface CapturedMail {
  to: string[];
  subject: string;
  text: string;
}

/** Where the app's mails end up: the outbox directory (no SMTP_URL) or a real SMTP peer. */
interface MailCatcher {
  /** Settings for createTestApp. */
  env: Record<string, string>;
  /** Every mail received so far, oldest first. */
  mails(testApp: TestApp): Promise<CapturedMail[]>;
  close(): Promise<void>;
}

/** Splits a message into its (unfolded, lower-cased) headers and its body. */
function parseMessage(raw: string): { headers: Map<string, string>; body: string } {
  const normalised = raw.replace(/\r\n/g, '\n');
  const end = normalised.indexOf('\n\n');
  const head = end === -1 ? normalised : normalised.slice(0, end);
  const body = end === -1 ? '' : normalised.slice(end + 2);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function outboxCatcher(): MailCatcher {
  return {
    env: {},
    async mails(testApp) {
      const directory = path.join(testApp.config.dataDir, 'mail-outbox');
      const names = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      const mails: CapturedMail[] = [];
      // The names start with an ISO timestamp, so sorting them orders the mails.
      for (const name of names.filter((candidate) => candidate.endsWith('.eml')).sort()) {
        const { headers, body } = parseMessage(await readFile(path.join(directory, name), 'utf8'));
        const to = headers.get('to');
        // A file still being written has no headers yet; the next poll sees it whole.
        if (to) mails.push({ to: [to.toLowerCase()], subject: headers.get('subject') ?? '', text: body });
      }
      return mails;
    },
    close: () => Promise.resolve(),
  };
}

async function smtpCatcher(): Promise<MailCatcher> {
  const received: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const { headers, body } = parseMessage(Buffer.concat(chunks).toString('utf8'));
        const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
        const text =
          encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
        received.push({ to: session.envelope.rcptTo.map((address) => address.address.toLowerCase()), subject: headers.get('subject') ?? '', text });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    env: { SMTP_URL: `smtp://127.0.0.1:${port}` },
    mails: () => Promise.resolve([...received]),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The uid and token of the reset link in a mail. */
function resetLinkIn(text: string): { uid: string; token: string } {
  const match = /http:\/\/localhost:3000\/reset-password\/([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)\//.exec(text);
  if (!match?.[1] || !match[2]) throw new Error(`no reset link in the mail:\n${text}`);
  return { uid: match[1], token: match[2] };
}

let passwordCounter = 0;
function freshPassword(): string {
  passwordCounter += 1;
  return `Harbor-${passwordCounter}-violet-${randomBytes(3).toString('hex')}`;
}

for (const target of storageTargets()) {
  describe.runIf(target.available)(`password reset on ${target.name}`, () => {
    let catcher: MailCatcher;
    let testApp: TestApp;
    let worker: RunningWorker;

    beforeAll(async () => {
      // The embedded target writes mails to the outbox; the scale-out one talks to an SMTP server.
      catcher = target.name === 'pglite' ? outboxCatcher() : await smtpCatcher();
      testApp = await createTestApp(target.name, catcher.env);
      worker = startWorker(testApp.services, testApp.features);
    });
    afterAll(async () => {
      await worker.stop(1000);
      await testApp.close();
      await catcher.close();
    });

    const post = (url: string, payload: Record<string, unknown>): Promise<LightMyRequestResponse> => testApp.app.inject({ method: 'POST', url, payload });

    const mailsTo = async (email: string): Promise<CapturedMail[]> =>
      (await catcher.mails(testApp)).filter((mail) => mail.to.includes(email.toLowerCase()));

    const login = (username: string, password: string) => post('/auth/login/', { username, password });

    const resetJobCount = async (): Promise<number> => {
      const [row] = await testApp.services.database.db.select({ n: count() }).from(jobs).where(eq(jobs.kind, RESET_MAIL_KIND));
      return Number(row?.n);
    };

    /** Waits until no reset-mail job is waiting or running, so every mail that will be sent has been. */
    const resetJobsSettled = () =>
      waitFor(
        async () => {
          const [row] = await testApp.services.database.db
            .select({ n: count() })
            .from(jobs)
            .where(and(eq(jobs.kind, RESET_MAIL_KIND), inArray(jobs.status, ['queued', 'running'])));
          return Number(row?.n) === 0;
        },
        MAIL_TIMEOUT_MS,
        'the reset-mail jobs to settle',
      );

    /** Asks for a reset and returns the link of the mail that arrives for it. */
    const requestResetLink = async (email: string): Promise<{ uid: string; token: string; mail: CapturedMail }> => {
      const before = (await mailsTo(email)).length;
      const response = await post('/auth/password/reset/', { email });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual(MAIL_SENT);
      const mail = await waitFor(
        async () => {
          const mails = await mailsTo(email);
          return mails.length > before ? mails[mails.length - 1] : undefined;
        },
        MAIL_TIMEOUT_MS,
        `the reset mail to ${email}`,
      );
      return { ...resetLinkIn(mail.text), mail };
    };

    const confirm = (fields: { uid: string; token: string }, password: string, repeat = password) =>
      post('/auth/password/reset/confirm/', { ...fields, new_password1: password, new_password2: repeat });

    it('answers the same for a known and an unknown address, and mails only the known one', async () => {
      const person = await registerPerson(testApp.app, 'known');
      const unknown = `nobody-${randomBytes(4).toString('hex')}@example.org`;
      const jobsBefore = await resetJobCount();
      const mailsBefore = (await catcher.mails(testApp)).length;

      const forUnknown = await post('/auth/password/reset/', { email: unknown });
      const forKnown = await post('/auth/password/reset/', { email: person.email.toUpperCase() });
      expect(forUnknown.statusCode).toBe(200);
      expect(forUnknown.json()).toEqual(MAIL_SENT);
      expect(forKnown.statusCode).toBe(200);
      expect(forKnown.json()).toEqual(MAIL_SENT);
      // The job is written with the request, so this count is final: nothing was queued for the unknown address.
      expect(await resetJobCount()).toBe(jobsBefore + 1);

      await waitFor(async () => (await mailsTo(person.email)).length > 0, MAIL_TIMEOUT_MS, 'the reset mail');
      await resetJobsSettled();
      const mails = await catcher.mails(testApp);
      expect(mails.length - mailsBefore).toBe(1);
      expect(await mailsTo(unknown)).toHaveLength(0);
      const [mail] = await mailsTo(person.email);
      expect(mail?.subject).toBe('Reset your cvimprover password');
      expect(mail?.text).toContain(`Hello ${person.username},`);
      expect(resetLinkIn(mail?.text ?? '').uid).toBe(Buffer.from(String(person.id)).toString('base64url'));
    });

    it('sets a new password with the link, once, and ends the sign-ins made before', async () => {
      const person = await registerPerson(testApp.app, 'resetter');
      const link = await requestResetLink(person.email);
      const newPassword = freshPassword();

      const response = await confirm(link, newPassword);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual(RESET_DONE);

      expect((await login(person.username, newPassword)).statusCode).toBe(200);
      const old = await login(person.username, person.password);
      expect(old.statusCode).toBe(400);
      expect(old.json()).toEqual({ non_field_errors: ['Unable to log in with provided credentials.'] });

      const stale = await testApp.app.inject({ method: 'GET', url: '/auth/user/', headers: person.auth });
      expect(stale.statusCode).toBe(401);
      expect(stale.json()).toEqual({ detail: 'Token has been revoked.', code: 'token_not_valid' });
      expect((await post('/auth/token/refresh/', { refresh: person.refresh })).statusCode).toBe(401);

      // The link works once.
      const replay = await confirm(link, freshPassword());
      expect(replay.statusCode).toBe(400);
      expect(replay.json()).toEqual(INVALID_TOKEN);
      expect((await login(person.username, newPassword)).statusCode).toBe(200);
    });

    it('voids older links once the password has changed, by reset or by the person', async () => {
      const person = await registerPerson(testApp.app, 'twolinks');
      const first = await requestResetLink(person.email);
      const second = await requestResetLink(person.email);
      const newPassword = freshPassword();
      expect((await confirm(second, newPassword)).statusCode).toBe(200);
      const older = await confirm(first, freshPassword());
      expect(older.statusCode).toBe(400);
      expect(older.json()).toEqual(INVALID_TOKEN);
      expect((await login(person.username, newPassword)).statusCode).toBe(200);

      // A link asked for before a password change dies with the change too.
      const pending = await requestResetLink(person.email);
      const signedIn = await login(person.username, newPassword);
      const changed = freshPassword();
      const change = await testApp.app.inject({
        method: 'POST',
        url: '/auth/password/change/',
        headers: { authorization: `Bearer ${signedIn.json<{ access: string }>().access}` },
        payload: { old_password: newPassword, new_password1: changed, new_password2: changed },
      });
      expect(change.statusCode, change.body).toBe(200);
      expect((await confirm(pending, freshPassword())).json()).toEqual(INVALID_TOKEN);
      expect((await login(person.username, changed)).statusCode).toBe(200);
    });

    it('refuses a made-up token and leaves the password as it was', async () => {
      const person = await registerPerson(testApp.app, 'madeup');
      const uid = Buffer.from(String(person.id)).toString('base64url');
      const response = await confirm({ uid, token: randomBytes(32).toString('base64url') }, freshPassword());
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(INVALID_TOKEN);
      expect((await login(person.username, person.password)).statusCode).toBe(200);
    });

    it('refuses a uid that names no account, without using up the token', async () => {
      const person = await registerPerson(testApp.app, 'baduid');
      const link = await requestResetLink(person.email);
      for (const uid of ['not-a-uid', Buffer.from('987654321').toString('base64url'), Buffer.from('-1').toString('base64url'), '']) {
        const response = await confirm({ uid, token: link.token }, freshPassword());
        expect(response.statusCode, uid).toBe(400);
        expect(response.json(), uid).toEqual({ uid: ['Invalid value'] });
      }
      expect((await confirm(link, freshPassword())).statusCode).toBe(200);
    });

    it("refuses one account's uid with another account's token, and changes neither password", async () => {
      const alice = await registerPerson(testApp.app, 'alice');
      const bob = await registerPerson(testApp.app, 'bob');
      const aliceLink = await requestResetLink(alice.email);
      const bobLink = await requestResetLink(bob.email);

      const crossed = await confirm({ uid: aliceLink.uid, token: bobLink.token }, freshPassword());
      expect(crossed.statusCode).toBe(400);
      expect(crossed.json()).toEqual(INVALID_TOKEN);
      expect((await login(alice.username, alice.password)).statusCode).toBe(200);
      expect((await login(bob.username, bob.password)).statusCode).toBe(200);

      // Bob's token was not used up by the attempt.
      const bobPassword = freshPassword();
      expect((await confirm(bobLink, bobPassword)).statusCode).toBe(200);
      expect((await login(bob.username, bobPassword)).statusCode).toBe(200);
      expect((await login(alice.username, alice.password)).statusCode).toBe(200);
    });

    it('refuses an expired token', async () => {
      const person = await registerPerson(testApp.app, 'expired');
      const link = await requestResetLink(person.email);
      const expired = await testApp.services.database.db
        .update(passwordResetTokens)
        .set({ expiresAt: sql`now() - interval '1 minute'` })
        .where(eq(passwordResetTokens.userId, person.id))
        .returning({ tokenHash: passwordResetTokens.tokenHash });
      expect(expired).toHaveLength(1);

      const response = await confirm(link, freshPassword());
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual(INVALID_TOKEN);
      expect((await login(person.username, person.password)).statusCode).toBe(200);
    });

    it('takes the uid and token in the path too', async () => {
      const person = await registerPerson(testApp.app, 'inpath');
      const link = await requestResetLink(person.email);
      const newPassword = freshPassword();
      const response = await post(`/auth/password/reset/confirm/${link.uid}/${link.token}/`, { new_password1: newPassword, new_password2: newPassword });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual(RESET_DONE);
      expect((await login(person.email, newPassword)).statusCode).toBe(200);
      // And the path form is single-use as well.
      const replay = await post(`/auth/password/reset/confirm/${link.uid}/${link.token}/`, { new_password1: newPassword, new_password2: newPassword });
      expect(replay.statusCode).toBe(400);
      expect(replay.json()).toEqual(INVALID_TOKEN);
    });

    it('refuses a weak or mismatched new password and keeps the token usable', async () => {
      const person = await registerPerson(testApp.app, 'weak');
      const link = await requestResetLink(person.email);

      const weak = await confirm(link, '12345678');
      expect(weak.statusCode).toBe(400);
      const problems = weak.json<Record<string, string[]>>();
      expect(Object.keys(problems)).toEqual(['new_password2']);
      expect(problems.new_password2).toEqual(expect.arrayContaining(['This password is too common.', 'This password is entirely numeric.']));

      const mismatched = await confirm(link, freshPassword(), freshPassword());
      expect(mismatched.statusCode).toBe(400);
      expect(mismatched.json()).toEqual({ new_password2: ['The two password fields didn’t match.'] });

      expect((await login(person.username, person.password)).statusCode).toBe(200);
      const newPassword = freshPassword();
      expect((await confirm(link, newPassword)).statusCode).toBe(200);
      expect((await login(person.username, newPassword)).statusCode).toBe(200);
    });

    it('never stores the raw token', async () => {
      const person = await registerPerson(testApp.app, 'hashed');
      const link = await requestResetLink(person.email);
      const rows = await testApp.services.database.db
        .select({ tokenHash: passwordResetTokens.tokenHash })
        .from(passwordResetTokens)
        .where(eq(passwordResetTokens.userId, person.id));
      expect(rows).toHaveLength(1);
      const stored = rows[0]?.tokenHash ?? '';
      expect(stored).toMatch(/^[0-9a-f]{64}$/);
      expect(stored).not.toBe(link.token);
      expect(stored).not.toContain(link.token);
      // Nor does the job that sent the mail.
      const jobRows = await testApp.services.database.db.select({ payload: jobs.payload }).from(jobs).where(eq(jobs.ownerId, person.id));
      expect(jobRows.length).toBeGreaterThan(0);
      for (const row of jobRows) expect(JSON.stringify(row.payload)).not.toContain(link.token);
    });
  });
}

describe('password reset with the mail server down', () => {
  let testApp: TestApp;
  let worker: RunningWorker;
  beforeAll(async () => {
    // Port 1 on loopback: nothing listens, so every delivery fails at once.
    testApp = await createTestApp('pglite', { SMTP_URL: 'smtp://127.0.0.1:1' });
    worker = startWorker(testApp.services, testApp.features);
  });
  afterAll(async () => {
    await worker.stop(1000);
    await testApp.close();
  });

  it('still answers the request, and the job keeps the failure and tries again', async () => {
    const person = await registerPerson(testApp.app, 'nomail');
    const response = await testApp.app.inject({ method: 'POST', url: '/auth/password/reset/', payload: { email: person.email } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(MAIL_SENT);
    const job = await waitFor(
      async () => {
        const [row] = await testApp.services.database.db.select().from(jobs).where(eq(jobs.kind, RESET_MAIL_KIND));
        return row?.errorCode ? row : undefined;
      },
      MAIL_TIMEOUT_MS,
      'the failed delivery to be recorded',
    );
    expect(job.errorCode).toBe('job_error');
    expect(job.error).toMatch(/ECONNREFUSED/);
    // A retry is scheduled (or already under way), not given up after one failure.
    expect(['queued', 'running']).toContain(job.status);
    expect(job.maxAttempts).toBeGreaterThan(1);
  });
});
