import type { Cache } from '../../infra/cache/cache.js';

const WINDOW_SECONDS = 15 * 60;
const LOCK_SECONDS = 15 * 60;
const ACCOUNT_LIMIT = 5;
const IP_LIMIT = 30;

interface Lock {
  until: number;
}

/**
 * Locks out repeated failed logins, per account name and per client IP, in the shared cache so
 * that every API process sees the same counts. Names that match no account are counted the same
 * way, so a lockout reveals nothing about which accounts exist.
 */
export class LoginLockout {
  constructor(private readonly cache: Cache) {}

  private keys(identifier: string, ip: string) {
    const account = identifier.trim().toLowerCase();
    return {
      accountFailures: `login:failures:account:${account}`,
      accountLock: `login:lock:account:${account}`,
      ipFailures: `login:failures:ip:${ip}`,
      ipLock: `login:lock:ip:${ip}`,
    };
  }

  /** Seconds until the caller may try again, or undefined when not locked out. */
  async retryAfter(identifier: string, ip: string): Promise<number | undefined> {
    const keys = this.keys(identifier, ip);
    const locks = await Promise.all([this.cache.get<Lock>(keys.accountLock), this.cache.get<Lock>(keys.ipLock)]);
    const until = Math.max(0, ...locks.map((lock) => lock?.until ?? 0));
    const seconds = Math.ceil((until - Date.now()) / 1000);
    return seconds > 0 ? seconds : undefined;
  }

  async recordFailure(identifier: string, ip: string): Promise<void> {
    const keys = this.keys(identifier, ip);
    const [accountFailures, ipFailures] = await Promise.all([
      this.cache.increment(keys.accountFailures, WINDOW_SECONDS),
      this.cache.increment(keys.ipFailures, WINDOW_SECONDS),
    ]);
    const lock: Lock = { until: Date.now() + LOCK_SECONDS * 1000 };
    if (accountFailures >= ACCOUNT_LIMIT) await this.cache.set(keys.accountLock, lock, LOCK_SECONDS);
    if (ipFailures >= IP_LIMIT) await this.cache.set(keys.ipLock, lock, LOCK_SECONDS);
  }

  async recordSuccess(identifier: string): Promise<void> {
    await this.cache.delete(this.keys(identifier, '').accountFailures);
  }
}
