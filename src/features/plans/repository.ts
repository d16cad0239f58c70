import { asc, eq, or } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/database.js';
import { preparedFor } from '../../infra/db/prepared.js';
import { plans } from '../../infra/db/schema.js';

export type PlanRow = typeof plans.$inferSelect;
export type NewPlan = typeof plans.$inferInsert;

// Listed on every visit to the pricing page: built and planned once.
const allPlans = preparedFor('list_plans', (db) => db.select().from(plans).orderBy(asc(plans.sortOrder), asc(plans.name)));

export async function listPlans(db: DbOrTx): Promise<PlanRow[]> {
  return allPlans(db).execute();
}

export async function findPlanById(db: DbOrTx, id: number): Promise<PlanRow | undefined> {
  const [row] = await db.select().from(plans).where(eq(plans.id, id));
  return row;
}

/** The plan sold at this Stripe price, monthly or yearly. */
export async function findPlanByStripePrice(db: DbOrTx, priceId: string): Promise<PlanRow | undefined> {
  const [row] = await db
    .select()
    .from(plans)
    .where(or(eq(plans.stripePriceIdMonthly, priceId), eq(plans.stripePriceIdYearly, priceId)))
    .orderBy(asc(plans.id))
    .limit(1);
  return row;
}

export async function findPlanByName(db: DbOrTx, name: string): Promise<PlanRow | undefined> {
  const [row] = await db.select().from(plans).where(eq(plans.name, name));
  return row;
}

/** Inserts the plans that do not exist yet (by name); returns the names it created. */
export async function insertMissingPlans(db: DbOrTx, rows: NewPlan[]): Promise<string[]> {
  const created = await db
    .insert(plans)
    .values(rows)
    .onConflictDoNothing({ target: plans.name })
    .returning({ name: plans.name });
  return created.map((row) => row.name);
}

export type PlanAllowanceChanges = Partial<
  Pick<PlanRow, 'aiResponsesPerDay' | 'questionnairesPerDay' | 'uploadsPerDay' | 'cvUploadsPerDay' | 'apiCallsPerHour' | 'burstPerMinute'>
>;

/** Changes a plan's limits; the plan as it now is, or undefined when no plan has that name. */
export async function updatePlanAllowances(db: DbOrTx, name: string, changes: PlanAllowanceChanges): Promise<PlanRow | undefined> {
  if (Object.keys(changes).length === 0) return findPlanByName(db, name);
  const [row] = await db.update(plans).set(changes).where(eq(plans.name, name)).returning();
  return row;
}
