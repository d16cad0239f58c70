import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../infra/db/database.js';
import { preparedFor } from '../../../infra/db/prepared.js';
import { loginAttempts, plans, refreshTokens, tokenFamilies, users } from '../../../infra/db/schema.js';
import type { PlanRow } from '../../plans/repository.js';
import type { UserRow } from '../../users/repository.js';

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

// On the path of every signed-in request that misses the session cache: built and planned once.
const activeSession = preparedFor('find_active_session', (db) =>
  db
    .select({ user: users, family: tokenFamilies, plan: plans })
    .from(tokenFamilies)
    .innerJoin(users, eq(users.id, tokenFamilies.userId))
    .leftJoin(plans, eq(plans.id, users.planId))
    .where(
      and(
        eq(tokenFamilies.id, sql.placeholder('familyId')),
        eq(tokenFamilies.userId, sql.placeholder('userId')),
        isNull(tokenFamilies.revokedAt),
        eq(users.isActive, true),
      ),
    ),
);

/** The user (and plan) behind a live token family, or undefined when the family was revoked or the user is gone or inactive. */
export async function findActiveSession(db: DbOrTx, familyId: string, userId: number): Promise<ActiveSession | undefined> {
  const [row] = await activeSession(db).execute({ familyId, userId });
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

export interface AttemptCount {
  attempts: number;
  /** Seconds until the window (or the lockout that the limit-th attempt started) ends. */
  retryAfterSeconds: number;
}

const secondsFromNow = (seconds: number) => sql`now() + make_interval(secs => ${seconds})`;

/**
 * Counts one attempt under `key` in one atomic statement, so that parallel attempts each get their
 * own number. A window starts at the first attempt; the `limit`-th attempt turns the rest of it into
 * a lockout of `lockSeconds` from then.
 */
export async function countAttempt(db: DbOrTx, key: string, limit: number, windowSeconds: number, lockSeconds: number): Promise<AttemptCount> {
  const expired = sql`${loginAttempts.windowEndsAt} <= now()`;
  const [row] = await db
    .insert(loginAttempts)
    .values({ key, attempts: 1, windowEndsAt: secondsFromNow(windowSeconds) })
    .onConflictDoUpdate({
      target: loginAttempts.key,
      set: {
        attempts: sql`case when ${expired} then 1 else ${loginAttempts.attempts} + 1 end`,
        windowEndsAt: sql`case when ${expired} then ${secondsFromNow(windowSeconds)}
          when ${loginAttempts.attempts} + 1 = ${limit} then ${secondsFromNow(lockSeconds)}
          else ${loginAttempts.windowEndsAt} end`,
      },
    })
    .returning({
      attempts: loginAttempts.attempts,
      retryAfterSeconds: sql<number>`greatest(1, ceil(extract(epoch from ${loginAttempts.windowEndsAt} - now())))::int`,
    });
  if (!row) throw new Error('counting a login attempt returned no row');
  return row;
}

/** Takes one attempt back (a success that should not count against a shared address). */
export async function uncountAttempt(db: DbOrTx, key: string): Promise<void> {
  await db
    .update(loginAttempts)
    .set({ attempts: sql`greatest(${loginAttempts.attempts} - 1, 0)` })
    .where(eq(loginAttempts.key, key));
}

export async function clearAttempts(db: DbOrTx, key: string): Promise<void> {
  await db.delete(loginAttempts).where(eq(loginAttempts.key, key));
}

/** Removes counters whose window ended long ago; returns how many. */
export async function deleteExpiredAttempts(db: DbOrTx): Promise<number> {
  const deleted = await db
    .delete(loginAttempts)
    .where(sql`${loginAttempts.windowEndsAt} < now() - interval '1 hour'`)
    .returning({ key: loginAttempts.key });
  return deleted.length;
}
