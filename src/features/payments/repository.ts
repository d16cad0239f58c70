import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/database.js';
import { stripeEvents } from '../../infra/db/schema.js';

export interface StripeEventRecord {
  id: string;
  type: string;
  createdAt: Date;
}

/**
 * Records an event as applied, in the transaction that applies it; false when it was recorded
 * before (a redelivery, or the same event being applied by another request just now).
 */
export async function recordStripeEvent(tx: DbOrTx, event: StripeEventRecord): Promise<boolean> {
  const inserted = await tx
    .insert(stripeEvents)
    .values({ id: event.id, type: event.type, eventCreatedAt: event.createdAt })
    .onConflictDoNothing({ target: stripeEvents.id })
    .returning({ id: stripeEvents.id });
  return inserted.length > 0;
}

export async function isStripeEventRecorded(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.select({ id: stripeEvents.id }).from(stripeEvents).where(eq(stripeEvents.id, id)).limit(1);
  return rows.length > 0;
}
