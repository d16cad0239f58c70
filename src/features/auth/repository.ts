import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/database.js';
import { passwordResetTokens, plans, refreshTokens, socialAccounts, tokenFamilies, users } from '../../infra/db/schema.js';
import type { PlanRow } from '../plans/repository.js';
import type { UserRow } from '../users/repository.js';

export type TokenFamilyRow = typeof tokenFamilies.$inferSelect;

export async function insertTokenFamily(db: DbOrTx, userId: number): Promise<TokenFamilyRow> {
  const [row] = await db.insert(tokenFamilies).values({ userId }).returning();
  if (!row) throw new Error('insert into token_families returned no row');
  return row;
}

export interface ActiveSession {
  user: UserRow;
  family: TokenFamilyRow;
  /** Fetched in the same query: nearly every signed-in answer shows the plan. */
  plan: PlanRow | null;
}

/** The user (and plan) behind a live token family, or undefined when the family was revoked or the user is gone or inactive. */
export async function findActiveSession(db: DbOrTx, familyId: string, userId: number): Promise<ActiveSession | undefined> {
  const [row] = await db
    .select({ user: users, family: tokenFamilies, plan: plans })
    .from(tokenFamilies)
    .innerJoin(users, eq(users.id, tokenFamilies.userId))
    .leftJoin(plans, eq(plans.id, users.planId))
    .where(and(eq(tokenFamilies.id, familyId), eq(tokenFamilies.userId, userId), isNull(tokenFamilies.revokedAt), eq(users.isActive, true)));
  return row;
}

export async function revokeFamily(db: DbOrTx, familyId: string, reason: string): Promise<void> {
  await db
    .update(tokenFamilies)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(and(eq(tokenFamilies.id, familyId), isNull(tokenFamilies.revokedAt)));
}

/** Ends every sign-in of a user, but for `keepFamilyId` (the one making the change). */
export async function revokeUserFamilies(db: DbOrTx, userId: number, reason: string, keepFamilyId?: string): Promise<void> {
  const base = and(eq(tokenFamilies.userId, userId), isNull(tokenFamilies.revokedAt));
  await db
    .update(tokenFamilies)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(keepFamilyId ? and(base, ne(tokenFamilies.id, keepFamilyId)) : base);
}

export async function insertRefreshToken(db: DbOrTx, token: { jti: string; familyId: string; expiresAt: Date }): Promise<void> {
  await db.insert(refreshTokens).values(token);
}

/**
 * Marks a refresh token used. Returns 'fresh' the first time, 'reused' when it had been used
 * before (a stolen copy, or a replay), 'unknown' when it was never issued.
 */
export async function consumeRefreshToken(db: DbOrTx, jti: string): Promise<'fresh' | 'reused' | 'unknown'> {
  const used = await db
    .update(refreshTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(refreshTokens.jti, jti), isNull(refreshTokens.usedAt)))
    .returning({ jti: refreshTokens.jti });
  if (used.length > 0) return 'fresh';
  const [existing] = await db.select({ jti: refreshTokens.jti }).from(refreshTokens).where(eq(refreshTokens.jti, jti));
  return existing ? 'reused' : 'unknown';
}

export async function insertPasswordResetToken(db: DbOrTx, token: { tokenHash: string; userId: number; expiresAt: Date }): Promise<void> {
  await db.insert(passwordResetTokens).values(token);
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
