import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { createMailer, messageIdFor } from './mailer.js';

describe('the outbox (no SMTP_URL)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cvimprover-outbox-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('keeps one mail per idempotency key, however often it is sent', async () => {
    const mailer = createMailer(loadConfig({ DATA_DIR: dataDir }), createLogger('silent'));
    const mail = { to: 'jane@example.org', subject: 'Hello', text: 'A link' };
    await mailer.send(mail, { idempotencyKey: 'job-1-reset-mail' });
    await mailer.send({ ...mail, text: 'A different text' }, { idempotencyKey: 'job-1-reset-mail' });
    await mailer.send(mail, { idempotencyKey: 'job-2-reset-mail' });
    const directory = path.join(dataDir, 'mail-outbox');
    const files = (await readdir(directory)).sort();
    expect(files).toEqual(['job-1-reset-mail.eml', 'job-2-reset-mail.eml']);
    const first = await readFile(path.join(directory, 'job-1-reset-mail.eml'), 'utf8');
    expect(first).toContain('A link');
    expect(first).toContain(`Message-ID: ${messageIdFor('job-1-reset-mail', 'cvimprover <no-reply@localhost>')}`);
  });

  it('makes the Message-ID from the key alone, in the sender’s domain', () => {
    expect(messageIdFor('job-1-x', 'cvimprover <no-reply@example.org>')).toBe(messageIdFor('job-1-x', 'cvimprover <no-reply@example.org>'));
    expect(messageIdFor('job-1-x', 'cvimprover <no-reply@example.org>')).not.toBe(messageIdFor('job-2-x', 'cvimprover <no-reply@example.org>'));
    expect(messageIdFor('job-1-x', 'cvimprover <no-reply@example.org>')).toMatch(/^<[0-9a-f]{40}@example\.org>$/);
  });
});
