import type { DbOrTx } from '../../infra/db/database.js';
import { insertMissingPlans, type NewPlan } from './repository.js';

export const FREE_PLAN = 'Free';

/** Every new account's plan; its limits also stand in for an account with no plan when its row is gone. */
export const freePlanSeed = {
  name: FREE_PLAN,
  sortOrder: 1,
  description: 'Try it out: a few improvements a day.',
  aiResponsesPerDay: 3,
  questionnairesPerDay: 5,
  apiCallsPerHour: 100,
  uploadsPerDay: 3,
  cvUploadsPerDay: 10,
  burstPerMinute: 10,
} satisfies NewPlan;

/**
 * The four plans and their quotas (the upstream's documented limits). Prices are the fallback
 * shown when Stripe is not configured; Stripe price ids are set per deployment.
 */
export const defaultPlans: NewPlan[] = [
  freePlanSeed,
  {
    name: 'Basic',
    sortOrder: 2,
    description: 'For an active job search.',
    monthlyPriceCents: 500,
    yearlyPriceCents: 5500,
    aiResponsesPerDay: 20,
    questionnairesPerDay: 50,
    apiCallsPerHour: 300,
    uploadsPerDay: 20,
    cvUploadsPerDay: 100,
    burstPerMinute: 30,
  },
  {
    name: 'Pro',
    sortOrder: 3,
    description: 'For frequent applications and many tailored versions.',
    monthlyPriceCents: 1500,
    yearlyPriceCents: 16500,
    aiResponsesPerDay: 100,
    questionnairesPerDay: 200,
    apiCallsPerHour: 600,
    uploadsPerDay: 100,
    cvUploadsPerDay: 400,
    burstPerMinute: 50,
  },
  {
    name: 'Premium',
    sortOrder: 4,
    description: 'For coaches and recruiters.',
    monthlyPriceCents: 3000,
    yearlyPriceCents: 33000,
    aiResponsesPerDay: 1000,
    questionnairesPerDay: 1000,
    apiCallsPerHour: 1200,
    uploadsPerDay: 500,
    cvUploadsPerDay: 2000,
    burstPerMinute: 100,
  },
];

/** Creates the plans that are missing; never changes one that exists (an operator may have edited it). */
export function seedPlans(db: DbOrTx): Promise<string[]> {
  return insertMissingPlans(db, defaultPlans);
}
