import { ValidationError } from '../../../http/errors.js';
import type { Database, DbOrTx } from '../../../infra/db/database.js';
import type { JobService } from '../../../jobs/job-service.js';
import { hashPassword, verifyPassword } from '../../users/password-hashing.js';
import { newPasswordProblems } from '../../users/rules.js';
import type { UserService } from '../../users/service.js';
import type { AuthContext } from '../sessions/authenticate.js';
import type { SessionService } from '../sessions/service.js';
import { passwordResetMailKind } from './jobs.js';
import { consumePasswordResetToken, voidPasswordResetTokens } from './repository.js';
import { decodeUid, hashResetToken } from './reset-links.js';

/** Changing a password without the old one is allowed only this soon after signing in. */
const RECENT_SIGN_IN_SECONDS = 15 * 60;

export interface PasswordServiceDependencies {
  database: Database;
  users: UserService;
  sessions: SessionService;
  jobs: JobService;
}

/** Password changes and resets; each ends what the old password allowed. */
export class PasswordService {
  constructor(private readonly dependencies: PasswordServiceDependencies) {}

  private get db() {
    return this.dependencies.database.db;
  }

  /**
   * Sets a new password and ends what the old one allowed: every other sign-in and every unused
   * reset link. The caller owns the transaction and calls `users.changed` after its commit.
   */
  async storeNewPassword(tx: DbOrTx, userId: number, passwordHash: string, reason: string, keepFamilyId?: string): Promise<void> {
    await this.dependencies.users.setPasswordHash(tx, userId, passwordHash);
    await this.dependencies.sessions.endOtherSignIns(tx, userId, reason, keepFamilyId);
    await voidPasswordResetTokens(tx, userId);
  }

  async change(auth: AuthContext, input: { old_password?: string; new_password1: string; new_password2: string }): Promise<void> {
    const user = auth.user;
    const problems: Record<string, string[]> = {};
    if (input.old_password !== undefined) {
      if (!(await verifyPassword(user.passwordHash, input.old_password))) {
        problems.old_password = ['Your old password was entered incorrectly. Please enter it again.'];
      }
    } else if (Date.now() - auth.authenticatedAt.getTime() > RECENT_SIGN_IN_SECONDS * 1000) {
      // Without the old password, only a fresh sign-in may change it: a stolen long-lived session cannot.
      if (user.passwordHash === null) problems.non_field_errors = ['Sign in again before setting a password.'];
      else problems.old_password = ['This field is required.'];
    }
    const newProblems = newPasswordProblems(input, user);
    if (newProblems.length > 0) problems.new_password2 = newProblems;
    if (Object.keys(problems).length > 0) throw new ValidationError(problems);
    const passwordHash = await hashPassword(input.new_password1);
    await this.db.transaction((tx) => this.storeNewPassword(tx, user.id, passwordHash, 'password_change', auth.familyId));
    await this.dependencies.users.changed(user.id);
  }

  /** Sends a reset link when the address belongs to an account; says nothing either way. */
  async requestReset(email: string): Promise<void> {
    const user = await this.dependencies.users.findByEmail(email);
    if (!user?.isActive) return;
    await this.dependencies.jobs.transactionWithJobs(async (_tx, addJob) => {
      await addJob(passwordResetMailKind, { userId: user.id }, { ownerId: user.id });
    });
  }

  async confirmReset(input: { uid: string; token: string; new_password1: string; new_password2: string }): Promise<void> {
    const userId = decodeUid(input.uid);
    const user = userId === undefined ? undefined : await this.dependencies.users.findById(userId);
    if (!user?.isActive) throw ValidationError.field('uid', 'Invalid value');
    const problems = newPasswordProblems(input, user);
    if (problems.length > 0) throw new ValidationError({ new_password2: problems });
    const passwordHash = await hashPassword(input.new_password1);
    const accepted = await this.db.transaction(async (tx) => {
      if (!(await consumePasswordResetToken(tx, hashResetToken(input.token), user.id))) return false;
      await this.storeNewPassword(tx, user.id, passwordHash, 'password_reset');
      return true;
    });
    if (!accepted) throw ValidationError.field('token', 'Invalid value');
    await this.dependencies.users.changed(user.id);
  }
}
