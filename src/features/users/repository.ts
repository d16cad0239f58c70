import { and, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../infra/db/database.js';
import { users } from '../../infra/db/schema.js';

export type UserRow = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type UserChanges = Partial<Pick<UserRow, 'username' | 'email' | 'firstName' | 'lastName' | 'dateOfBirth'>>;
/** A user's plan and Stripe subscription, as the last sync with Stripe left them. */
export type SubscriptionFields = Pick<
  UserRow,
  'planId' | 'stripeCustomerId' | 'stripeSubscriptionId' | 'stripeSubscriptionStatus' | 'subscriptionCurrentPeriodEnd' | 'subscriptionInterval'
>;

const lower = (column: typeof users.username | typeof users.email) => sql`lower(${column})`;

export async function findUserById(db: DbOrTx, id: number): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

/** The row, locked until the end of the transaction: changes to one user's subscription happen one at a time. */
export async function lockUserById(tx: DbOrTx, id: number): Promise<UserRow | undefined> {
  const [row] = await tx.select().from(users).where(eq(users.id, id)).for('update');
  return row;
}

export async function findUserByStripeSubscriptionId(db: DbOrTx, subscriptionId: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.stripeSubscriptionId, subscriptionId)).orderBy(users.id).limit(1);
  return row;
}

export async function findUserByStripeCustomerId(db: DbOrTx, customerId: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.stripeCustomerId, customerId)).orderBy(users.id).limit(1);
  return row;
}

/** Stores the customer id unless the user already has one; returns the one stored either way. */
export async function setStripeCustomerIdIfMissing(db: DbOrTx, id: number, customerId: string): Promise<string | undefined> {
  await db
    .update(users)
    .set({ stripeCustomerId: customerId })
    .where(and(eq(users.id, id), isNull(users.stripeCustomerId)));
  const [row] = await db.select({ stripeCustomerId: users.stripeCustomerId }).from(users).where(eq(users.id, id));
  return row?.stripeCustomerId ?? undefined;
}

export async function setSubscriptionFields(db: DbOrTx, id: number, fields: SubscriptionFields): Promise<void> {
  await db.update(users).set(fields).where(eq(users.id, id));
}

/**
 * The account a login names, case-insensitively, in one query whether or not it exists (so a failed
 * login costs the same either way). Usernames may contain "@", so an identifier that looks like an
 * address is first taken as one: nobody can shadow another person's e-mail sign-in by choosing that
 * address as a username.
 */
export async function findUserByLogin(db: DbOrTx, identifier: string): Promise<UserRow | undefined> {
  const value = identifier.trim().toLowerCase();
  const rows = await db
    .select()
    .from(users)
    .where(or(eq(lower(users.username), value), eq(lower(users.email), value)))
    .limit(2);
  const byEmail = rows.find((row) => row.email.toLowerCase() === value);
  const byUsername = rows.find((row) => row.username.toLowerCase() === value);
  return value.includes('@') ? (byEmail ?? byUsername) : (byUsername ?? byEmail);
}

/** The account with exactly this username (case-insensitively), never one whose e-mail it is. */
export async function findUserByUsername(db: DbOrTx, username: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(lower(users.username), username.toLowerCase()));
  return row;
}

export async function findUserByEmail(db: DbOrTx, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(lower(users.email), email.toLowerCase()));
  return row;
}

/** Whether another account already uses this value (case-insensitively). */
async function valueTaken(db: DbOrTx, column: typeof users.username | typeof users.email, value: string, exceptUserId?: number): Promise<boolean> {
  const condition = eq(lower(column), value.toLowerCase());
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(exceptUserId === undefined ? condition : and(condition, ne(users.id, exceptUserId)))
    .limit(1);
  return rows.length > 0;
}

export function usernameTaken(db: DbOrTx, username: string, exceptUserId?: number): Promise<boolean> {
  return valueTaken(db, users.username, username, exceptUserId);
}

export function emailTaken(db: DbOrTx, email: string, exceptUserId?: number): Promise<boolean> {
  return valueTaken(db, users.email, email, exceptUserId);
}

export async function insertUser(db: DbOrTx, user: NewUser): Promise<UserRow> {
  const [row] = await db.insert(users).values(user).returning();
  if (!row) throw new Error('insert into users returned no row');
  return row;
}

export async function updateUser(db: DbOrTx, id: number, changes: UserChanges): Promise<UserRow | undefined> {
  if (Object.keys(changes).length === 0) return findUserById(db, id);
  const [row] = await db.update(users).set(changes).where(eq(users.id, id)).returning();
  return row;
}

export async function setPasswordHash(db: DbOrTx, id: number, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash }).where(eq(users.id, id));
}

export async function recordLogin(db: DbOrTx, id: number): Promise<void> {
  await db.update(users).set({ lastLogin: sql`now()` }).where(eq(users.id, id));
}

export async function setStaffFlags(db: DbOrTx, id: number, flags: { isStaff: boolean; isSuperuser: boolean; email: string }): Promise<void> {
  await db.update(users).set(flags).where(eq(users.id, id));
}
