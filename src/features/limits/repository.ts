import { and, eq, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/database.js';
import { jobs, plans, usageRecords, users, type UsageScope } from '../../infra/db/schema.js';
import type { PlanRow } from '../plans/repository.js';

/**
 * Locks the account's row for the rest of the transaction and reads its plan: requests of one person
 * that would each take the last unit of an allowance are counted one after the other.
 */
export async function lockAccountPlan(tx: DbOrTx, userId: number): Promise<{ plan: PlanRow | null } | undefined> {
  const [row] = await accountPlan(tx, userId).for('update', { of: users });
  return row ? { plan: row.plan } : undefined;
}

/** The account's plan as stored. */
export async function readAccountPlan(db: DbOrTx, userId: number): Promise<{ plan: PlanRow | null } | undefined> {
  const [row] = await accountPlan(db, userId);
  return row ? { plan: row.plan } : undefined;
}

function accountPlan(db: DbOrTx, userId: number) {
  return db.select({ userId: users.id, plan: plans }).from(users).leftJoin(plans, eq(plans.id, users.planId)).where(eq(users.id, userId));
}

export async function insertUsage(tx: DbOrTx, usage: { userId: number; scope: UsageScope; jobId: string | null }): Promise<void> {
  await tx.insert(usageRecords).values(usage);
}

/** Usage of one scope since a moment: what counts, and when the oldest of it was recorded. */
export interface Usage {
  used: number;
  oldest: Date | null;
}

/**
 * Usage since `since` per scope, of every row but those whose job failed: what counts, and when the
 * oldest of it was recorded. Rows are read along the (user, scope, created_at) index.
 */
async function countedUsage(db: DbOrTx, userId: number, since: Date, scope?: UsageScope): Promise<Map<UsageScope, Usage>> {
  const rows = await db
    .select({ scope: usageRecords.scope, used: sql<number>`count(*)::int`, oldest: sql<string | Date | null>`min(${usageRecords.createdAt})` })
    .from(usageRecords)
    .leftJoin(jobs, eq(jobs.id, usageRecords.jobId))
    .where(
      and(
        eq(usageRecords.userId, userId),
        scope === undefined ? undefined : eq(usageRecords.scope, scope),
        gt(usageRecords.createdAt, since),
        or(isNull(jobs.status), ne(jobs.status, 'failed')),
      ),
    )
    .groupBy(usageRecords.scope);
  return new Map(rows.map((row) => [row.scope, { used: Number(row.used), oldest: row.oldest === null ? null : new Date(row.oldest) }]));
}

export function usageSince(db: DbOrTx, userId: number, since: Date): Promise<Map<UsageScope, Usage>> {
  return countedUsage(db, userId, since);
}

/** One scope's usage since a moment: what a charge needs, reading only that scope's rows. */
export async function scopeUsageSince(db: DbOrTx, userId: number, scope: UsageScope, since: Date): Promise<Usage> {
  return (await countedUsage(db, userId, since, scope)).get(scope) ?? { used: 0, oldest: null };
}

/** Forgets a person's usage of some scopes (an operator's reset); returns how many rows went. */
export async function deleteUsage(db: DbOrTx, userId: number, scopes: readonly UsageScope[]): Promise<number> {
  const deleted = await db
    .delete(usageRecords)
    .where(and(eq(usageRecords.userId, userId), inArray(usageRecords.scope, [...scopes])))
    .returning({ id: usageRecords.id });
  return deleted.length;
}
