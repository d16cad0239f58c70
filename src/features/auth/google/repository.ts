import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../infra/db/database.js';
import { socialAccounts } from '../../../infra/db/schema.js';

export async function findSocialAccount(db: DbOrTx, provider: string, subject: string): Promise<{ userId: number } | undefined> {
  const [row] = await db
    .select({ userId: socialAccounts.userId })
    .from(socialAccounts)
    .where(and(eq(socialAccounts.provider, provider), eq(socialAccounts.subject, subject)));
  return row;
}

export async function insertSocialAccount(db: DbOrTx, account: { provider: string; subject: string; userId: number; email: string }): Promise<void> {
  await db.insert(socialAccounts).values(account).onConflictDoNothing();
}
