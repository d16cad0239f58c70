import { createHash } from 'node:crypto';
import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface SendOptions {
  /**
   * The same for every attempt to send this one mail (a job's idempotency key): it becomes the
   * Message-ID, by which mailboxes recognise a repeat, and the outbox file's name.
   */
  idempotencyKey: string;
}

/** Sends mail. Called from jobs only: a request never waits on a mail server. */
export interface Mailer {
  send(mail: Mail, options: SendOptions): Promise<void>;
  close(): void;
}

/** A Message-ID made from the idempotency key, so a resent mail carries the same one. */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'cvimprover.local';
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}@${domain}>`;
}

/** Mail through the SMTP server at SMTP_URL. */
class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(mail: Mail, options: SendOptions): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: messageIdFor(options.idempotencyKey, this.from) });
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * Without SMTP_URL, mail goes to files in DATA_DIR/mail-outbox, one per idempotency key: a mail
 * already there is not written again. The log says where, but never what (the body may hold a
 * reset link) nor to whom.
 */
class OutboxMailer implements Mailer {
  constructor(
    private readonly directory: string,
    private readonly from: string,
    private readonly logger: Logger,
  ) {}

  async send(mail: Mail, options: SendOptions): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const file = path.join(this.directory, `${options.idempotencyKey.replace(/[^\w.-]/g, '_')}.eml`);
    const message = [
      `From: ${this.from}`,
      `To: ${mail.to}`,
      `Subject: ${mail.subject}`,
      `Message-ID: ${messageIdFor(options.idempotencyKey, this.from)}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      mail.text,
      '',
    ].join('\n');
    // Written whole under a temporary name, then linked in: the outbox never shows half a mail, and
    // a second attempt finds the first one's file and stops.
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, message, { mode: 0o600 });
    try {
      await link(temporary, file);
      this.logger.info({ file, subject: mail.subject }, 'mail written to the outbox (SMTP_URL is not set)');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      this.logger.info({ file }, 'mail already in the outbox; not written again');
    } finally {
      await rm(temporary, { force: true });
    }
  }

  close(): void {}
}

function outboxDirectory(config: Config): string {
  return path.join(config.dataDir, 'mail-outbox');
}

export function createMailer(config: Config, logger: Logger): Mailer {
  return config.smtpUrl ? new SmtpMailer(config.smtpUrl, config.mailFrom) : new OutboxMailer(outboxDirectory(config), config.mailFrom, logger);
}
