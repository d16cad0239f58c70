import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail. Called from jobs only: a request never waits on a mail server. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
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

  async send(mail: Mail): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * Without SMTP_URL, mail goes to files in DATA_DIR/mail-outbox and the log says where: the log
 * line names the recipient and subject but never carries the body, which may hold a reset link.
 */
class OutboxMailer implements Mailer {
  constructor(
    private readonly directory: string,
    private readonly from: string,
    private readonly logger: Logger,
  ) {}

  async send(mail: Mail): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const file = path.join(this.directory, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`);
    const message = `From: ${this.from}\nTo: ${mail.to}\nSubject: ${mail.subject}\nContent-Type: text/plain; charset=utf-8\n\n${mail.text}\n`;
    await writeFile(file, message, { mode: 0o600 });
    this.logger.info({ to: mail.to, subject: mail.subject, file }, 'mail written to the outbox (SMTP_URL is not set)');
  }

  close(): void {}
}

function outboxDirectory(config: Config): string {
  return path.join(config.dataDir, 'mail-outbox');
}

export function createMailer(config: Config, logger: Logger): Mailer {
  return config.smtpUrl ? new SmtpMailer(config.smtpUrl, config.mailFrom) : new OutboxMailer(outboxDirectory(config), config.mailFrom, logger);
}
