import { seedPlans } from '../features/plans/seed.js';
import type { Database } from '../infra/db/database.js';

/** Brings a database up to date: pending migrations, then the plans that are missing. */
export async function prepareDatabase(database: Database): Promise<{ createdPlans: string[] }> {
  await database.migrate();
  return { createdPlans: await seedPlans(database.db) };
}
