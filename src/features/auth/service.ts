import { randomBytes } from 'node:crypto';
import { AppError, ValidationError } from '../../http/errors.js';
import type { DbOrTx } from '../../infra/db/database.js';
import type { Services } from '../../services.js';
import { findPlanByName } from '../plans/repository.js';
import { FREE_PLAN } from '../plans/seed.js';
import {
  emailTaken,
  findUserByEmail,
  findUserById,
  findUserByLogin,
  insertUser,
  recordLogin,
  setPasswordHash,
  usernameTaken,
  type UserRow,
} from '../users/repository.js';
import type { AuthContext } from './authenticate.js';
import { emailProblem, normaliseEmail } from './email-rules.js';
import type { GoogleIdentity } from './google.js';
import { PASSWORD_RESET_MAIL_KIND, decodeUid, hashResetToken } from './reset-links.js';
import { LoginLockout } from './lockout.js';
import { hashPassword, passwordProblems, verifyPassword } from './passwords.js';
import {
  consumePasswordResetToken,
  consumeRefreshToken,
  findActiveSession,
  findSocialAccount,
  insertRefreshToken,
  insertSocialAccount,
  insertTokenFamily,
  revokeFamily,
  revokeUserFamilies,
  voidPasswordResetTokens,
} from './repository.js';
import { TokenSigner } from './tokens.js';

export interface SessionTokens {
  access: string;
  refresh: string;
  accessExpiration: Date;
  refreshExpiration: Date;
}

export interface SignedIn {
  user: UserRow;
  tokens: SessionTokens;
}

/** Changing a password without the old one is allowed only this soon after signing in. */
export const RECENT_SIGN_IN_SECONDS = 15 * 60;

const LOGIN_FAILED = 'Unable to log in with provided credentials.';
const PASSWORDS_DIFFER = "The two password fields didn't match.";

/**
 * Sets a new password and ends what the old one allowed: every other sign-in and every unused reset
 * link. Call inside a transaction.
 */
export async function storeNewPassword(db: DbOrTx, userId: number, passwordHash: string, reason: string, keepFamilyId?: string): Promise<void> {
  await setPasswordHash(db, userId, passwordHash);
  await revokeUserFamilies(db, userId, reason, keepFamilyId);
  await voidPasswordResetTokens(db, userId);
}

function addProblem(problems: Record<string, string[]>, field: string, message: string): void {
  (problems[field] ??= []).push(message);
}

export class AuthService {
  readonly signer: TokenSigner;
  private readonly lockout: LoginLockout;

  constructor(private readonly services: Services) {
    this.signer = new TokenSigner(services.secretKey);
    this.lockout = new LoginLockout(services.cache);
  }

  private get db() {
    return this.services.database.db;
  }

  /** Issues an access and refresh token pair in a family (a new family for a new sign-in). */
  private async issueTokens(db: DbOrTx, userId: number, familyId: string): Promise<SessionTokens> {
    const [access, refresh] = await Promise.all([this.signer.issue('access', userId, familyId), this.signer.issue('refresh', userId, familyId)]);
    await insertRefreshToken(db, { jti: refresh.jti, familyId, expiresAt: refresh.expiresAt });
    return { access: access.token, refresh: refresh.token, accessExpiration: access.expiresAt, refreshExpiration: refresh.expiresAt };
  }

  private async startSession(db: DbOrTx, user: UserRow): Promise<SessionTokens> {
    const family = await insertTokenFamily(db, user.id);
    await recordLogin(db, user.id);
    return this.issueTokens(db, user.id, family.id);
  }

  private async newUser(db: DbOrTx, fields: { username: string; email: string; passwordHash: string | null; firstName?: string; lastName?: string }): Promise<UserRow> {
    const free = await findPlanByName(db, FREE_PLAN);
    return insertUser(db, { ...fields, planId: free?.id ?? null });
  }

  async register(input: { username: string; email: string; password1: string; password2: string }): Promise<SignedIn> {
    const username = input.username.trim();
    const email = normaliseEmail(input.email);
    const problems: Record<string, string[]> = {};
    if (username.length === 0) addProblem(problems, 'username', 'This field may not be blank.');
    else if (await usernameTaken(this.db, username)) addProblem(problems, 'username', 'A user with that username already exists.');
    const emailIssue = emailProblem(email);
    if (emailIssue) addProblem(problems, 'email', emailIssue);
    else if (await emailTaken(this.db, email)) addProblem(problems, 'email', 'A user is already registered with this e-mail address.');
    for (const problem of passwordProblems(input.password1, { username, email })) addProblem(problems, 'password1', problem);
    if (input.password1 !== input.password2) addProblem(problems, 'non_field_errors', PASSWORDS_DIFFER);
    if (Object.keys(problems).length > 0) throw new ValidationError(problems);

    const passwordHash = await hashPassword(input.password1);
    // The unique indexes settle a race between two identical sign-ups: the loser gets a 409.
    return this.db.transaction(async (tx) => {
      const user = await this.newUser(tx, { username, email, passwordHash });
      return { user, tokens: await this.startSession(tx, user) };
    });
  }

  async login(identifier: string, password: string, ip: string): Promise<SignedIn> {
    const retryAfter = await this.lockout.retryAfter(identifier, ip);
    if (retryAfter !== undefined) {
      throw new AppError('throttled', `Too many failed login attempts. Try again in ${retryAfter} seconds.`, {
        headers: { 'retry-after': String(retryAfter) },
      });
    }
    const user = await findUserByLogin(this.db, identifier);
    const valid = await verifyPassword(user?.passwordHash, password);
    if (!user || !valid) {
      await this.lockout.recordFailure(identifier, ip);
      throw ValidationError.field('non_field_errors', LOGIN_FAILED);
    }
    if (!user.isActive) throw ValidationError.field('non_field_errors', 'User account is disabled.');
    await this.lockout.recordSuccess(identifier);
    return { user, tokens: await this.db.transaction((tx) => this.startSession(tx, user)) };
  }

  /** Rotates a refresh token. Presenting one that was already rotated ends the whole sign-in. */
  async refresh(refreshToken: string): Promise<SignedIn> {
    const claims = await this.signer.verify(refreshToken, 'refresh');
    return this.db.transaction(async (tx) => {
      const use = await consumeRefreshToken(tx, claims.jti);
      if (use === 'reused') {
        await revokeFamily(tx, claims.familyId, 'refresh_reuse');
        return undefined;
      }
      const session = use === 'fresh' ? await findActiveSession(tx, claims.familyId, claims.userId) : undefined;
      if (!session) throw new AppError('token_not_valid', 'Token is invalid or has been revoked.');
      return { user: session.user, tokens: await this.issueTokens(tx, session.user.id, claims.familyId) };
    }).then((result) => {
      // Thrown after the commit, so the revocation is kept.
      if (!result) throw new AppError('token_not_valid', 'Token has already been used; this sign-in has been ended.');
      return result;
    });
  }

  /** Accepts a live access or refresh token; anything else is a 401. */
  async verifyToken(token: string): Promise<void> {
    const claims = await this.signer.verify(token, 'access').catch(() => this.signer.verify(token, 'refresh'));
    if (!(await findActiveSession(this.db, claims.familyId, claims.userId))) {
      throw new AppError('token_not_valid', 'Token has been revoked.');
    }
  }

  /** Ends a sign-in, named by the caller's access token or by a refresh token. */
  async logout(auth: AuthContext | null, refreshToken: string | undefined): Promise<void> {
    if (auth) await revokeFamily(this.db, auth.familyId, 'logout');
    if (refreshToken) {
      const claims = await this.signer.verify(refreshToken, 'refresh').catch(() => undefined);
      if (claims) await revokeFamily(this.db, claims.familyId, 'logout');
    }
  }

  async changePassword(auth: AuthContext, input: { old_password?: string; new_password1: string; new_password2: string }): Promise<void> {
    const user = auth.user;
    const problems: Record<string, string[]> = {};
    if (input.old_password !== undefined) {
      if (!(await verifyPassword(user.passwordHash, input.old_password))) {
        addProblem(problems, 'old_password', 'Your old password was entered incorrectly. Please enter it again.');
      }
    } else if (Date.now() - auth.authenticatedAt.getTime() > RECENT_SIGN_IN_SECONDS * 1000) {
      // Without the old password, only a fresh sign-in may change it: a stolen long-lived session cannot.
      if (user.passwordHash === null) addProblem(problems, 'non_field_errors', 'Sign in again before setting a password.');
      else addProblem(problems, 'old_password', 'This field is required.');
    }
    for (const problem of passwordProblems(input.new_password1, { username: user.username, email: user.email, firstName: user.firstName, lastName: user.lastName })) {
      addProblem(problems, 'new_password2', problem);
    }
    if (input.new_password1 !== input.new_password2) addProblem(problems, 'new_password2', 'The two password fields didn’t match.');
    if (Object.keys(problems).length > 0) throw new ValidationError(problems);
    const passwordHash = await hashPassword(input.new_password1);
    await this.db.transaction((tx) => storeNewPassword(tx, user.id, passwordHash, 'password_change', auth.familyId));
  }

  /** Sends a reset link when the address belongs to an account; says nothing either way. */
  async requestPasswordReset(email: string): Promise<void> {
    const user = await findUserByEmail(this.db, normaliseEmail(email));
    if (!user?.isActive) return;
    await this.services.jobs.transactionWithJobs(async (_tx, addJob) => {
      await addJob({ kind: PASSWORD_RESET_MAIL_KIND, payload: { userId: user.id }, ownerId: user.id, maxAttempts: 5 });
    });
  }

  async confirmPasswordReset(input: { uid: string; token: string; new_password1: string; new_password2: string }): Promise<void> {
    const userId = decodeUid(input.uid);
    const user = userId === undefined ? undefined : await findUserById(this.db, userId);
    if (!user?.isActive) throw ValidationError.field('uid', 'Invalid value');
    const problems: Record<string, string[]> = {};
    for (const problem of passwordProblems(input.new_password1, { username: user.username, email: user.email, firstName: user.firstName, lastName: user.lastName })) {
      addProblem(problems, 'new_password2', problem);
    }
    if (input.new_password1 !== input.new_password2) addProblem(problems, 'new_password2', 'The two password fields didn’t match.');
    if (Object.keys(problems).length > 0) throw new ValidationError(problems);
    const passwordHash = await hashPassword(input.new_password1);
    const accepted = await this.db.transaction(async (tx) => {
      if (!(await consumePasswordResetToken(tx, hashResetToken(input.token), user.id))) return false;
      await storeNewPassword(tx, user.id, passwordHash, 'password_reset');
      return true;
    });
    if (!accepted) throw ValidationError.field('token', 'Invalid value');
  }

  /** Signs in with a verified Google identity: the linked account, else the account with that verified e-mail, else a new one. */
  async googleLogin(identity: GoogleIdentity): Promise<SignedIn> {
    return this.db.transaction(async (tx) => {
      const linked = await findSocialAccount(tx, 'google', identity.subject);
      let user = linked ? await findUserById(tx, linked.userId) : undefined;
      if (!user) {
        const email = normaliseEmail(identity.email);
        if (!identity.emailVerified) throw ValidationError.field('non_field_errors', 'The Google account has no verified e-mail address.');
        user = (await findUserByEmail(tx, email)) ?? (await this.newUser(tx, {
          username: await this.freeUsername(tx, email.split('@')[0] ?? 'user'),
          email,
          passwordHash: null,
          firstName: identity.givenName?.slice(0, 150) ?? '',
          lastName: identity.familyName?.slice(0, 150) ?? '',
        }));
        await insertSocialAccount(tx, { provider: 'google', subject: identity.subject, userId: user.id, email });
      }
      if (!user.isActive) throw ValidationError.field('non_field_errors', 'User account is disabled.');
      return { user, tokens: await this.startSession(tx, user) };
    });
  }

  private async freeUsername(db: DbOrTx, wanted: string): Promise<string> {
    const base = wanted.replace(/[^\w.@+-]/g, '').slice(0, 140) || 'user';
    if (!(await usernameTaken(db, base))) return base;
    for (;;) {
      const candidate = `${base}${randomBytes(3).readUIntBE(0, 3) % 100000}`;
      if (!(await usernameTaken(db, candidate))) return candidate;
    }
  }
}
