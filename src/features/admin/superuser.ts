import type { Database } from '../../infra/db/database.js';
import type { PasswordService } from '../auth/passwords/service.js';
import { hashPassword } from '../users/password-hashing.js';
import { emailProblem, normaliseEmail, passwordProblems, usernameProblem } from '../users/rules.js';
import type { UserService } from '../users/service.js';

/** Input a person can fix; its message is fit to print. */
export class SuperuserInputError extends Error {}

export interface SuperuserDependencies {
  database: Database;
  users: UserService;
  passwords: PasswordService;
}

/** Creates a staff superuser, or promotes the account with exactly that username; returns what it did. */
export async function createSuperuser(
  { database, users, passwords }: SuperuserDependencies,
  input: { username: string; email: string; password: string },
): Promise<{ action: 'created' | 'promoted'; userId: number }> {
  const email = normaliseEmail(input.email);
  const existing = await users.findByUsername(input.username);
  const problems: string[] = [];
  const usernameIssue = usernameProblem(input.username);
  if (usernameIssue) problems.push(`username: ${usernameIssue}`);
  const owner = emailProblem(email) ? undefined : await users.findByEmail(email);
  const emailIssue = emailProblem(email) ?? (owner && owner.id !== existing?.id ? 'A user is already registered with this e-mail address.' : undefined);
  if (emailIssue) problems.push(`email: ${emailIssue}`);
  problems.push(...passwordProblems(input.password, { username: input.username, email }).map((problem) => `password: ${problem}`));
  if (problems.length > 0) throw new SuperuserInputError(problems.join('\n'));

  const passwordHash = await hashPassword(input.password);
  const result = await database.db.transaction(async (tx) => {
    if (existing) {
      await passwords.storeNewPassword(tx, existing.id, passwordHash, 'password_reset');
      await users.makeSuperuser(tx, existing.id, email);
      return { action: 'promoted' as const, userId: existing.id };
    }
    const user = await users.createAccount(tx, { username: input.username, email, passwordHash, isStaff: true, isSuperuser: true });
    return { action: 'created' as const, userId: user.id };
  });
  if (result.action === 'promoted') await users.changed(result.userId);
  return result;
}
