import { randomBytes } from 'node:crypto';
import { JobError, type JobHandler } from '../../jobs/job-handler.js';
import type { Services } from '../../services.js';
import { findUserById } from '../users/repository.js';
import { insertPasswordResetToken } from './repository.js';
import { PASSWORD_RESET_MAIL_KIND, PASSWORD_RESET_TOKEN_SECONDS, encodeUid, hashResetToken } from './reset-links.js';

/**
 * Makes a single-use reset token and mails the link. The token is made here, not in the request,
 * so it is never stored anywhere in the clear (the job row holds only the user id).
 */
export const passwordResetMailJob: JobHandler<Services> = {
  kind: PASSWORD_RESET_MAIL_KIND,
  maxAttempts: 5,
  async perform(context, services) {
    const userId = Number(context.job.payload.userId);
    const user = await findUserById(services.database.db, userId);
    if (!user?.isActive) throw new JobError('user_gone', 'The account no longer exists.', false);
    const token = randomBytes(32).toString('base64url');
    await insertPasswordResetToken(services.database.db, {
      tokenHash: hashResetToken(token),
      userId,
      expiresAt: new Date(Date.now() + PASSWORD_RESET_TOKEN_SECONDS * 1000),
    });
    const link = new URL(`/reset-password/${encodeUid(userId)}/${token}/`, services.config.frontendUrl).toString();
    await services.mailer.send({
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
    });
  },
};
