import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/infra/db/database.js';
import { plans, users } from '../../src/infra/db/schema.js';
import { createLogger } from '../../src/logger.js';
import { createFeatures } from '../../src/features.js';
import { startServices } from '../../src/process/start-services.js';
import { runCli } from '../support/cli-process.js';
import { embeddedDataDir } from '../support/embedded-data.js';
import { TEST_SECRET_KEY, createTestDatabase, storageTargets } from '../support/harness.js';

const PLAN_NAMES = ['Free', 'Basic', 'Pro', 'Premium'];
const ADMIN = { username: 'admin', email: 'admin@example.org' };

type StoreKind = 'embedded' | 'postgres';

/** Fresh, empty storage for the CLI: a new DATA_DIR, and for PostgreSQL a new database without tables. */
interface Store {
  env: Record<string, string>;
  /** Set once seed-plans has succeeded on it, so that later suites need not run it again. */
  seeded: boolean;
  open(): Promise<Database>;
  close(): Promise<void>;
}

async function freshStore(kind: StoreKind): Promise<Store> {
  // Embedded: the data directory a first start creates, before any migration, copied rather than made again.
  const dataDir = kind === 'embedded' ? await embeddedDataDir('empty', 'cvimprover-admin-cli-') : await mkdtemp(path.join(tmpdir(), 'cvimprover-admin-cli-'));
  const env: Record<string, string> = { DATA_DIR: dataDir };
  let drop: (() => Promise<void>) | undefined;
  if (kind === 'postgres') {
    const database = await createTestDatabase({ empty: true });
    drop = database.drop;
    env.DATABASE_URL = database.url;
    env.SECRET_KEY = TEST_SECRET_KEY;
  }
  return {
    env,
    seeded: false,
    // Only while no CLI process runs: an embedded database belongs to one process at a time.
    open: () => openDatabase({ databaseUrl: env.DATABASE_URL, dataDir, logger: createLogger('silent') }),
    async close() {
      await drop?.();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function inDatabase<T>(store: Store, work: (database: Database) => Promise<T>): Promise<T> {
  const database = await store.open();
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

const planNames = (database: Database) =>
  database.db
    .select({ name: plans.name })
    .from(plans)
    .orderBy(asc(plans.sortOrder))
    .then((rows) => rows.map((row) => row.name));

/** The `msg` JSON log line of a command's output, parsed. */
function logLine(output: string, message: string): Record<string, unknown> {
  for (const line of output.split('\n')) {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === message) return entry;
    } catch {
      // not a log line
    }
  }
  throw new Error(`no "${message}" log line in:\n${output}`);
}

type SignInResult = { login: number; user: { pk: number; username: string; email: string; plan: { name: string } | null } | undefined };

/**
 * Starts the API on the store as a process would (no CLI process may be running), and hands `work`
 * its database and a sign-in that also fetches /auth/user/: one start for all of a test's checks.
 */
async function withApi<T>(store: Store, work: (api: { database: Database; signIn: (username: string, password: string) => Promise<SignInResult> }) => Promise<T>): Promise<T> {
  const services = await startServices(loadConfig(store.env), { logger: createLogger('silent'), role: 'test', schema: 'migrate' });
  try {
    const app = await buildApp(services, createFeatures(services));
    try {
      const signIn = async (username: string, password: string): Promise<SignInResult> => {
        const login = await app.inject({ method: 'POST', url: '/auth/login/', payload: { username, password } });
        if (login.statusCode !== 200) return { login: login.statusCode, user: undefined };
        const { access } = login.json<{ access: string }>();
        const me = await app.inject({ method: 'GET', url: '/auth/user/', headers: { authorization: `Bearer ${access}` } });
        expect(me.statusCode).toBe(200);
        return { login: login.statusCode, user: me.json<NonNullable<SignInResult['user']>>() };
      };
      return await work({ database: services.database, signIn });
    } finally {
      await app.close();
    }
  } finally {
    await services.close();
  }
}

const kinds: { kind: StoreKind; available: boolean }[] = [
  { kind: 'embedded', available: true },
  { kind: 'postgres', available: storageTargets()[1]?.available === true },
];

for (const { kind, available } of kinds) {
  describe.runIf(available)(`admin commands on a fresh ${kind} store`, () => {
    // Fresh and empty: seed-plans is the first command to touch it; create-superuser then works on it.
    let store: Store;
    beforeAll(async () => {
      store = await freshStore(kind);
    });
    afterAll(async () => store.close());

    it('seed-plans creates the four plans, and a second run has nothing to do', async () => {
      const first = await runCli(['seed-plans'], store.env);
      expect(first.code, first.output).toBe(0);
      const created = /^created plans: (.+)$/m.exec(first.output)?.[1]?.split(', ');
      expect(created?.slice().sort(), first.output).toEqual(PLAN_NAMES.slice().sort());

      const second = await runCli(['seed-plans'], store.env);
      expect(second.code, second.output).toBe(0);
      expect(second.output).toContain('all plans exist; nothing to do');
      expect(second.output).not.toContain('created plans');

      expect(await inDatabase(store, planNames)).toEqual(PLAN_NAMES);
      store.seeded = true;
    }, 60_000);

    it('migrate creates the tables and the plans, and is a no-op the second time', async () => {
      const own = await freshStore(kind);
      try {
        const first = await runCli(['migrate'], own.env);
        expect(first.code, first.output).toBe(0);
        const applied = logLine(first.output, 'migrations applied');
        expect(applied.db).toBe(kind === 'embedded' ? 'pglite' : 'postgres');
        expect((applied.createdPlans as string[]).slice().sort()).toEqual(PLAN_NAMES.slice().sort());

        const again = await runCli(['migrate'], own.env);
        expect(again.code, again.output).toBe(0);
        expect(logLine(again.output, 'migrations applied').createdPlans).toEqual([]);

        const seed = await runCli(['seed-plans'], own.env);
        expect(seed.code, seed.output).toBe(0);
        expect(seed.output).toContain('all plans exist; nothing to do');
        expect(await inDatabase(own, planNames)).toEqual(PLAN_NAMES);
      } finally {
        await own.close();
      }
    }, 60_000);

    // PostgreSQL only: the embedded database belongs to one process at a time.
    if (kind === 'postgres') {
      it('migrate from three processes at once creates each plan exactly once', async () => {
        const own = await freshStore(kind);
        try {
          const results = await Promise.all([1, 2, 3].map(() => runCli(['migrate'], own.env)));
          for (const result of results) expect(result.code, result.output).toBe(0);
          const createdByEach = results.map((result) => logLine(result.output, 'migrations applied').createdPlans as string[]);
          expect(createdByEach.flat().sort()).toEqual(PLAN_NAMES.slice().sort());
          expect(await inDatabase(own, planNames)).toEqual(PLAN_NAMES);
        } finally {
          await own.close();
        }
      }, 60_000);
    }

    describe('create-superuser', () => {
      const password = 'Harbour-lights-7-violet';
      beforeAll(async () => {
        // Done by the seed-plans test when the whole file runs; needed when this suite runs alone.
        if (store.seeded) return;
        const seed = await runCli(['seed-plans'], store.env);
        expect(seed.code, seed.output).toBe(0);
      });

      const adminRows = (database: Database) => database.db.select().from(users).where(eq(users.username, ADMIN.username));

      it('creates a staff superuser from a password on stdin, who can then sign in', async () => {
        const result = await runCli(
          ['create-superuser', '--username', ADMIN.username, '--email', ADMIN.email, '--password-stdin'],
          store.env,
          `${password}\n`,
        );
        expect(result.code, result.output).toBe(0);
        const id = Number(/^created superuser admin \(id (\d+)\)$/m.exec(result.output)?.[1]);
        expect(Number.isInteger(id), result.output).toBe(true);
        expect(result.output).not.toContain(password);

        // The CLI process has exited, so the API may open the (embedded) store now.
        const { rows, freeId, session } = await withApi(store, async ({ database, signIn }) => ({
          rows: await adminRows(database),
          freeId: (await database.db.select({ id: plans.id }).from(plans).where(eq(plans.name, 'Free')))[0]?.id,
          session: await signIn(ADMIN.username, password),
        }));
        expect(rows).toHaveLength(1);
        const [admin] = rows;
        expect(admin).toMatchObject({ id, username: ADMIN.username, email: ADMIN.email, isStaff: true, isSuperuser: true, planId: freeId });
        expect(admin?.passwordHash?.startsWith('$argon2id$')).toBe(true);
        expect(session.login).toBe(200);
        expect(session.user).toMatchObject({ pk: id, username: ADMIN.username, email: ADMIN.email, plan: { name: 'Free' } });
      });

      it('promotes the existing account when run again for the same username, with the new password', async () => {
        const before = await inDatabase(store, adminRows);
        expect(before).toHaveLength(1); // made by the previous test
        const newPassword = `${password}-renewed`;
        const result = await runCli(
          ['create-superuser', '--username', ADMIN.username, '--email', ADMIN.email, '--password-stdin'],
          store.env,
          `${newPassword}\r\n`,
        );
        expect(result.code, result.output).toBe(0);
        expect(result.output).toContain(`promoted superuser admin (id ${before[0]?.id})`);

        const { after, withNew, withOld } = await withApi(store, async ({ database, signIn }) => ({
          after: await adminRows(database),
          withNew: await signIn(ADMIN.username, newPassword),
          withOld: await signIn(ADMIN.username, password),
        }));
        expect(after).toHaveLength(1);
        expect(after[0]).toMatchObject({ id: before[0]?.id, isStaff: true, isSuperuser: true });
        expect(after[0]?.passwordHash).not.toBe(before[0]?.passwordHash);
        expect(withNew.login).toBe(200);
        expect(withOld.login).toBe(400);
      });

      it('refuses a common password with exit code 2 and creates nobody', async () => {
        const result = await runCli(['create-superuser', '--username', 'weakling', '--email', 'weakling@example.org', '--password', 'password'], store.env);
        expect(result.code, result.output).toBe(2);
        expect(result.output).toContain('This password is too common.');
        const rows = await inDatabase(store, (database) => database.db.select().from(users).where(eq(users.username, 'weakling')));
        expect(rows).toEqual([]);
      });

      it('refuses to run without a password, with exit code 2', async () => {
        const [missing, empty] = await Promise.all([
          runCli(['create-superuser', '--username', 'nopassword', '--email', 'nopassword@example.org'], store.env),
          // An empty standard input is no password either.
          runCli(['create-superuser', '--username', 'nopassword', '--email', 'nopassword@example.org', '--password-stdin'], store.env, ''),
        ]);
        expect(missing.code, missing.output).toBe(2);
        expect(missing.output).toContain('create-superuser needs --password or --password-stdin');
        expect(empty.code, empty.output).toBe(2);
        expect(empty.output).toContain('create-superuser needs --password or --password-stdin');

        const rows = await inDatabase(store, (database) => database.db.select().from(users).where(eq(users.username, 'nopassword')));
        expect(rows).toEqual([]);
      });

      it("refuses an e-mail another account has with a plain message, never the database's error or the password hash", async () => {
        const result = await runCli(['create-superuser', '--username', 'second-admin', '--email', ADMIN.email, '--password', 'Copper-kettle-4-orchard'], store.env);
        expect(result.code, result.output).toBe(2);
        expect(result.output).not.toContain('$argon2id$');
        expect(result.output).not.toContain('Failed query');
        expect(result.output).toMatch(/^email: .+/m);
      });

      it("never takes a --username for another account's e-mail address and resets that account's password", async () => {
        const [before] = await inDatabase(store, adminRows);
        expect(before).toBeDefined();
        const result = await runCli(
          ['create-superuser', '--username', ADMIN.email, '--email', 'other-admin@example.org', '--password', 'Copper-kettle-4-orchard'],
          store.env,
        );
        expect(result.output).not.toContain('promoted');
        const [after] = await inDatabase(store, adminRows);
        expect(after?.passwordHash).toBe(before?.passwordHash);
      });
    });
  });
}
