import { updatePlanAllowances } from '../src/features/plans/repository.js';
import type { DbOrTx } from '../src/infra/db/database.js';

// A benchmark measures the service with its limits counting every request, but set far above any
// load it makes, so none is refused: every account it makes is on Free, and every request comes
// from one address.

// The highest the per-address settings accept (and within the plans command's nine digits).
const HIGH = 100_000_000;

/** Per-address limits for a benchmarked service's environment. */
export const BENCH_LIMITS_ENV = {
  RATE_LIMIT_PER_IP_PER_HOUR: String(HIGH),
  ANONYMOUS_WRITES_PER_IP_PER_MINUTE: String(HIGH),
  SIGNUPS_PER_IP_PER_HOUR: String(HIGH),
  PASSWORD_RESETS_PER_IP_PER_HOUR: String(HIGH),
} as const;

/** `cvimprover` arguments that raise the Free plan's limits (run after migrate, before serve). */
export const LIFT_FREE_PLAN_ARGS = ['plans', 'set', 'Free', ...['--ai-responses', '--questionnaires', '--uploads', '--cv-uploads', '--api-calls', '--burst'].flatMap((flag) => [flag, String(HIGH)])];

/** The same, for a benchmark that opens the services in its own process. */
export async function liftFreePlan(db: DbOrTx): Promise<void> {
  await updatePlanAllowances(db, 'Free', {
    aiResponsesPerDay: HIGH,
    questionnairesPerDay: HIGH,
    uploadsPerDay: HIGH,
    cvUploadsPerDay: HIGH,
    apiCallsPerHour: HIGH,
    burstPerMinute: HIGH,
  });
}
