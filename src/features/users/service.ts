import { ValidationError } from '../../http/errors.js';
import type { Services } from '../../services.js';
import { emailProblem, normaliseEmail } from '../auth/email-rules.js';
import { findPlanById, type PlanRow } from '../plans/repository.js';
import type { PlanService } from '../plans/service.js';
import { emailTaken, updateUser, usernameTaken, type UserChanges, type UserRow } from './repository.js';
import type { UserBody, UserPatch } from './schema.js';

/** Dates are valid calendar days, and nobody was born in the future or before 1900. */
function dateProblem(value: string): string | undefined {
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    return 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.';
  }
  if (value < '1900-01-01' || date.getTime() > Date.now()) return 'Enter a date between 1900-01-01 and today.';
  return undefined;
}

export class UserService {
  constructor(
    private readonly services: Services,
    private readonly plans: PlanService,
  ) {}

  /** The user object; pass the plan when it is at hand (a signed-in request has it) to save a query. */
  async present(user: UserRow, knownPlan?: PlanRow | null): Promise<UserBody> {
    let plan = knownPlan;
    if (plan === undefined || (plan?.id ?? null) !== user.planId) {
      plan = user.planId === null ? null : ((await findPlanById(this.services.database.db, user.planId)) ?? null);
    }
    const interval = user.subscriptionInterval;
    return {
      pk: user.id,
      username: user.username,
      email: user.email,
      first_name: user.firstName,
      last_name: user.lastName,
      date_of_birth: user.dateOfBirth,
      plan: plan ? await this.plans.present(plan, user.planId) : null,
      stripe_subscription_id: user.stripeSubscriptionId,
      stripe_subscription_status: user.stripeSubscriptionStatus,
      stripe_customer_id: user.stripeCustomerId,
      subscription_renewal_date: user.subscriptionCurrentPeriodEnd?.toISOString() ?? null,
      subscription_interval: interval === 'month' || interval === 'year' ? interval : null,
    };
  }

  /** Applies a profile change; every field is checked first and all problems are reported together. */
  async update(user: UserRow, patch: UserPatch): Promise<UserRow> {
    const db = this.services.database.db;
    const problems: Record<string, string[]> = {};
    const changes: UserChanges = {};
    if (patch.username !== undefined && patch.username !== user.username) {
      if (await usernameTaken(db, patch.username, user.id)) problems.username = ['A user with that username already exists.'];
      else changes.username = patch.username;
    }
    if (patch.email !== undefined) {
      const email = normaliseEmail(patch.email);
      const problem = emailProblem(email) ?? ((await emailTaken(db, email, user.id)) ? 'A user with this email address already exists.' : undefined);
      if (problem) problems.email = [problem];
      else if (email !== user.email) changes.email = email;
    }
    if (patch.first_name !== undefined) changes.firstName = patch.first_name.trim();
    if (patch.last_name !== undefined) changes.lastName = patch.last_name.trim();
    if (patch.date_of_birth !== undefined) {
      const value = patch.date_of_birth === '' ? null : patch.date_of_birth;
      const problem = value === null ? undefined : dateProblem(value);
      if (problem) problems.date_of_birth = [problem];
      else changes.dateOfBirth = value;
    }
    if (Object.keys(problems).length > 0) throw new ValidationError(problems);
    const updated = await updateUser(db, user.id, changes);
    if (!updated) throw new Error(`user ${user.id} vanished during an update`);
    return updated;
  }
}
