import type { DbOrTx } from '../../infra/db/database.js';
import { emailProblem, normaliseEmail } from '../auth/email-rules.js';
import { hashPassword, passwordProblems } from '../auth/passwords.js';
import { findPlanByName } from '../plans/repository.js';
import { FREE_PLAN } from '../plans/seed.js';
import { storeNewPassword } from '../auth/service.js';
import { findUserByLogin, insertUser, setStaffFlags } from './repository.js';

/** Creates a staff superuser, or promotes the existing account with that username; returns what it did. */
export async function createSuperuser(
  db: DbOrTx,
  input: { username: string; email: string; password: string },
): Promise<{ action: 'created' | 'promoted'; userId: number }> {
  const email = normaliseEmail(input.email);
  const problems = [
    ...(/^[\w.@+-]{1,150}$/.test(input.username) ? [] : ['username: letters, digits and @/./+/-/_ only, at most 150']),
    ...[emailProblem(email)].filter((problem): problem is string => problem !== undefined).map((problem) => `email: ${problem}`),
    ...passwordProblems(input.password, { username: input.username, email }).map((problem) => `password: ${problem}`),
  ];
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const passwordHash = await hashPassword(input.password);
  const existing = await findUserByLogin(db, input.username);
  if (existing) {
    await storeNewPassword(db, existing.id, passwordHash, 'password_reset');
    await setStaffFlags(db, existing.id, { isStaff: true, isSuperuser: true });
    return { action: 'promoted', userId: existing.id };
  }
  const free = await findPlanByName(db, FREE_PLAN);
  const user = await insertUser(db, { username: input.username, email, passwordHash, isStaff: true, isSuperuser: true, planId: free?.id ?? null });
  return { action: 'created', userId: user.id };
}
