import { createHash, createHmac } from 'node:crypto';

// What a password-reset link is made of, shared by the request that asks for one and the job that mails it.

export const PASSWORD_RESET_TOKEN_SECONDS = 60 * 60;

/** Only this hash of a reset token is stored. */
export function hashResetToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The reset token a mail job sends, derived from its job id with the secret key: every attempt of
 * the job makes the same token and the same mail, so a repeat after a crash is the same message.
 */
export function resetTokenFor(secretKey: string, jobId: string): string {
  return createHmac('sha256', secretKey).update(`password-reset:${jobId}`).digest('base64url');
}

/** A user id as the reset link carries it (like Django's uidb64). */
export function encodeUid(userId: number): string {
  return Buffer.from(String(userId)).toString('base64url');
}

export function decodeUid(uid: string): number | undefined {
  const decoded = Buffer.from(uid, 'base64url').toString('utf8');
  return /^\d{1,15}$/.test(decoded) ? Number(decoded) : undefined;
}
