import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordResetMailKind } from '../../src/features/auth/passwords/jobs.js';
import { openDatabase, type Database } from '../../src/infra/db/database.js';
import { jobs } from '../../src/infra/db/schema.js';
import { createLogger } from '../../src/logger.js';
import { CliProcess } from '../support/cli-process.js';
import { TEST_SECRET_KEY, createTestDatabase, storageTargets } from '../support/harness.js';
import { waitFor } from '../support/wait-for.js';

/** What the mail server received: each delivery with its Message-ID and body. */
interface Delivery {
  messageId: string;
  body: string;
}

/**
 * A worker killed the moment its mail reaches the mail server, before it hears back or commits: the
 * next worker takes the job over and sends the same message again, with the same Message-ID, so the
 * person's mailbox holds one mail.
 */
describe.runIf(storageTargets()[1]?.available)('a worker killed just after sending a mail', () => {
  let drop: () => Promise<void>;
  let dataDir: string;
  let database: Database;
  let smtp: SMTPServer;
  let port: number;
  const deliveries: Delivery[] = [];
  let onFirstDelivery: (() => void) | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    // Migrated already (a copy of the run's template): the migrate command is tested elsewhere.
    const created = await createTestDatabase();
    drop = created.drop;
    dataDir = await mkdtemp(path.join(tmpdir(), 'cvimprover-mail-once-'));
    database = await openDatabase({ databaseUrl: created.url, dataDir, logger: createLogger('silent') });
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          deliveries.push({ messageId: /^Message-ID:\s*(\S+)/im.exec(raw)?.[1] ?? '', body: raw.slice(raw.indexOf('\r\n\r\n')) });
          const kill = onFirstDelivery;
          onFirstDelivery = undefined;
          // The first time, the sender dies before it hears that the mail was taken.
          if (kill) kill();
          else callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as AddressInfo).port;
    env = { DATABASE_URL: created.url, SECRET_KEY: TEST_SECRET_KEY, DATA_DIR: dataDir, PORT: '0', JOB_LEASE_SECONDS: '2', SMTP_URL: `smtp://127.0.0.1:${port}` };
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(resolve));
    await database.close();
    await drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('delivers the same message again, never a second one', async () => {
    const api = new CliProcess(['serve'], env);
    const firstWorker = new CliProcess(['worker'], env);
    let secondWorker: CliProcess | undefined;
    try {
      const base = await api.baseUrl();
      await firstWorker.waitForLog('worker started');
      onFirstDelivery = () => firstWorker.kill('SIGKILL');
      const person = { username: 'once', email: 'once@example.org', password1: 'Granite-orbit-45-lamp', password2: 'Granite-orbit-45-lamp' };
      const post = (url: string, body: object) => fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post('/auth/registration/', person)).status).toBe(201);
      expect((await post('/auth/password/reset/', { email: person.email })).status).toBe(200);

      expect(await firstWorker.exited).toBeNull(); // killed by the signal
      secondWorker = new CliProcess(['worker'], env);
      const job = await waitFor(
        async () => {
          const [row] = await database.db.select().from(jobs).where(eq(jobs.kind, passwordResetMailKind.kind));
          return row?.status === 'succeeded' ? row : undefined;
        },
        30_000,
        'the reset mail job to be taken over and succeed',
      );
      expect(job.attempts).toBe(2);
      // The killed worker never heard that its mail was taken, so it could not record it: it went twice.
      expect(deliveries).toHaveLength(2);
      expect(new Set(deliveries.map((delivery) => delivery.messageId)).size).toBe(1);
      expect(deliveries[0]?.messageId).toMatch(/^<[0-9a-f]{40}@localhost>$/);
      expect(new Set(deliveries.map((delivery) => delivery.body)).size).toBe(1);
    } finally {
      await Promise.all([api.stop(), firstWorker.stop(), secondWorker?.stop()]);
    }
  }, 60_000);
});
