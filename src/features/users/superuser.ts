import type { DbOrTx } from '../../infra/db/database.js';
import { emailProblem, normaliseEmail } from '../auth/email-rules.js';
import { hashPassword, passwordProblems } from '../auth/passwords.js';
import { storeNewPassword } from '../auth/service.js';
import { findPlanByName } from '../plans/repository.js';
import { FREE_PLAN } from '../plans/seed.js';
import { USERNAME_PATTERN } from './schema.js';
import { emailTaken, findUserByUsername, insertUser, setStaffFlags } from './repository.js';

/** Input a person can fix; its message is fit to print. */
export class SuperuserInputError extends Error {}

/** Creates a staff superuser, or promotes the account with exactly that username; returns what it did. */
export async function createSuperuser(
  db: DbOrTx,
  input: { username: string; email: string; password: string },
): Promise<{ action: 'created' | 'promoted'; userId: number }> {
  const email = normaliseEmail(input.email);
  const existing = await findUserByUsername(db, input.username);
  const problems: string[] = [];
  if (!new RegExp(USERNAME_PATTERN).test(input.username) || input.username.length > 150) {
    problems.push('username: letters, digits and @/./+/-/_ only, at most 150 characters');
  }
  const emailIssue = emailProblem(email) ?? ((await emailTaken(db, email, existing?.id)) ? 'A user is already registered with this e-mail address.' : undefined);
  if (emailIssue) problems.push(`email: ${emailIssue}`);
  problems.push(...passwordProblems(input.password, { username: input.username, email }).map((problem) => `password: ${problem}`));
  if (problems.length > 0) throw new SuperuserInputError(problems.join('\n'));

  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    if (existing) {
      await storeNewPassword(tx, existing.id, passwordHash, 'password_reset');
      await setStaffFlags(tx, existing.id, { isStaff: true, isSuperuser: true, email });
      return { action: 'promoted' as const, userId: existing.id };
    }
    const free = await findPlanByName(tx, FREE_PLAN);
    const user = await insertUser(tx, { username: input.username, email, passwordHash, isStaff: true, isSuperuser: true, planId: free?.id ?? null });
    return { action: 'created' as const, userId: user.id };
  });
}
