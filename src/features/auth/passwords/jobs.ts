import { Type } from 'typebox';
import type { Database } from '../../../infra/db/database.js';
import type { Mailer } from '../../../infra/mail/mailer.js';
import { JobError, type JobHandler } from '../../../jobs/job-handler.js';
import type { UserService } from '../../users/service.js';
import { insertPasswordResetToken } from './repository.js';
import { PASSWORD_RESET_TOKEN_SECONDS, encodeUid, hashResetToken, resetTokenFor } from './reset-links.js';

/** The kind of job that mails a reset link; the job row holds only the user id. */
export const passwordResetMailKind = {
  kind: 'password_reset_mail',
  payload: Type.Object({ userId: Type.Integer({ minimum: 1 }) }),
  maxAttempts: 5,
} as const;

export interface PasswordResetMailDependencies {
  database: Database;
  users: UserService;
  mailer: Mailer;
  secretKey: string;
  frontendUrl: string;
}

/**
 * Makes a single-use reset token and mails the link. The token is made here, not in the request,
 * and derived from the job id: a repeated attempt stores the same token and makes the same mail. The
 * mail is sent once per job (recorded as soon as it is sent), and a repeat in the moment before that
 * record carries the same Message-ID, which mailboxes recognise as the same message.
 */
export function passwordResetMailJob({ database, users, mailer, secretKey, frontendUrl }: PasswordResetMailDependencies): JobHandler<typeof passwordResetMailKind.payload> {
  return {
    ...passwordResetMailKind,
    async perform(context) {
      const user = await users.findById(context.payload.userId);
      if (!user?.isActive) throw new JobError('user_gone', 'The account no longer exists.', false);
      const token = resetTokenFor(secretKey, context.job.id);
      await insertPasswordResetToken(database.db, {
        tokenHash: hashResetToken(token),
        userId: user.id,
        // From when it was asked for, so every attempt makes the same link.
        expiresAt: new Date(context.job.createdAt.getTime() + PASSWORD_RESET_TOKEN_SECONDS * 1000),
      });
      const link = new URL(`/reset-password/${encodeUid(user.id)}/${token}/`, frontendUrl).toString();
      const mail = {
        to: user.email,
        subject: 'Reset your cvimprover password',
        text: [
          `Hello ${user.username},`,
          '',
          'Someone asked to reset the password of your cvimprover account. If it was you, open this link within an hour:',
          '',
          link,
          '',
          'The link works once. If you did not ask for it, ignore this mail: your password stays as it is.',
        ].join('\n'),
      };
      await context.once('reset-mail', (idempotencyKey) => mailer.send(mail, { idempotencyKey }));
    },
  };
}
