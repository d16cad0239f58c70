import { createHmac } from 'node:crypto';
import { AppError } from '../../../http/errors.js';
import type { Db } from '../../../infra/db/database.js';
import { clearAttempts, countAttempt, uncountAttempt } from './repository.js';

const WINDOW_SECONDS = 15 * 60;
const LOCK_SECONDS = 15 * 60;
const ACCOUNT_ATTEMPT_LIMIT = 5;
const ADDRESS_ATTEMPT_LIMIT = 30;

/** Who a sign-in attempt is for: an account, or a name that matches none (counted just the same). */
export type LoginTarget = { userId: number } | { unknownName: string };

/** An attempt let through; report its outcome with `succeeded`. */
export interface Admission {
  accountKey: string;
  addressKey: string;
}

/**
 * Limits password guessing, per account and per client address, in the database (one atomic
 * statement per counter), so every API process sees the same counts and parallel guesses cannot pass
 * the limit: each attempt is counted before its password is checked, and the ones past the limit are
 * refused without a check. An account is counted by its id whether it was named by username or by
 * e-mail; a name that matches no account is counted the same way, so a lockout reveals nothing.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly secretKey: string,
  ) {}

  /** Keys hold no personal data: addresses and unknown names are kept as keyed hashes only. */
  private hashed(kind: string, value: string): string {
    return `${kind}:${createHmac('sha256', this.secretKey).update(`login:${kind}:${value}`).digest('base64url').slice(0, 32)}`;
  }

  private accountKey(target: LoginTarget): string {
    return 'userId' in target ? `account:${target.userId}` : this.hashed('name', target.unknownName.trim().toLowerCase());
  }

  /** Counts the attempt; throws 429 with Retry-After when the account or the address is over its limit. */
  async admit(target: LoginTarget, address: string): Promise<Admission> {
    const admission = { accountKey: this.accountKey(target), addressKey: this.hashed('address', address) };
    const [account, fromAddress] = await Promise.all([
      countAttempt(this.db, admission.accountKey, ACCOUNT_ATTEMPT_LIMIT, WINDOW_SECONDS, LOCK_SECONDS),
      countAttempt(this.db, admission.addressKey, ADDRESS_ATTEMPT_LIMIT, WINDOW_SECONDS, LOCK_SECONDS),
    ]);
    const over = [
      account.attempts > ACCOUNT_ATTEMPT_LIMIT ? account.retryAfterSeconds : 0,
      fromAddress.attempts > ADDRESS_ATTEMPT_LIMIT ? fromAddress.retryAfterSeconds : 0,
    ];
    const retryAfter = Math.max(...over);
    if (retryAfter > 0) {
      const detail = `Too many failed login attempts. Try again in ${retryAfter} seconds.`;
      // The upstream's throttled body (`error`, `message`) beside ours, as every 429 has it.
      throw new AppError('throttled', detail, {
        headers: { 'retry-after': String(retryAfter) },
        body: { error: 'rate_limit_exceeded', message: detail, scope: 'login' },
      });
    }
    return admission;
  }

  /** A correct password: the account's failures are forgiven, and the address gets its attempt back. */
  async succeeded(admission: Admission): Promise<void> {
    await Promise.all([clearAttempts(this.db, admission.accountKey), uncountAttempt(this.db, admission.addressKey)]);
  }
}
