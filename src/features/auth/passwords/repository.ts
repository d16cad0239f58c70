import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../infra/db/database.js';
import { passwordResetTokens } from '../../../infra/db/schema.js';

/** Stores a reset token's hash; storing the same one again (a repeated job attempt) changes nothing. */
export async function insertPasswordResetToken(db: DbOrTx, token: { tokenHash: string; userId: number; expiresAt: Date }): Promise<void> {
  await db.insert(passwordResetTokens).values(token).onConflictDoNothing();
}

/** Voids every unused reset link of a user: a password change makes older links worthless. */
export async function voidPasswordResetTokens(db: DbOrTx, userId: number): Promise<void> {
  await db
    .update(passwordResetTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(passwordResetTokens.userId, userId), isNull(passwordResetTokens.usedAt)));
}

/** Uses a reset token once: true only for an unexpired, unused token of this user. */
export async function consumePasswordResetToken(db: DbOrTx, tokenHash: string, userId: number): Promise<boolean> {
  const rows = await db
    .update(passwordResetTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(passwordResetTokens.tokenHash, tokenHash),
        eq(passwordResetTokens.userId, userId),
        isNull(passwordResetTokens.usedAt),
        gt(passwordResetTokens.expiresAt, sql`now()`),
      ),
    )
    .returning({ tokenHash: passwordResetTokens.tokenHash });
  return rows.length > 0;
}
