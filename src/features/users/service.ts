import { randomBytes } from 'node:crypto';
import { ValidationError } from '../../http/errors.js';
import type { Database, DbOrTx } from '../../infra/db/database.js';
import type { PlanRow } from '../plans/repository.js';
import type { PlanService } from '../plans/service.js';
import {
  emailTaken,
  findUserByEmail,
  findUserById,
  findUserByLogin,
  findUserByStripeCustomerId,
  findUserByStripeSubscriptionId,
  findUserByUsername,
  insertUser,
  lockUserById,
  recordLogin,
  setPasswordHash,
  setStaffFlags,
  setStripeCustomerIdIfMissing,
  setSubscriptionFields,
  updateUser,
  usernameTaken,
  type SubscriptionFields,
  type UserChanges,
  type UserRow,
} from './repository.js';
import {
  dateOfBirthProblem,
  emailProblem,
  normaliseEmail,
  normaliseName,
  normaliseUsername,
  passwordProblems,
  usernameFrom,
  usernameProblem,
} from './rules.js';
import type { UserBody, UserPatch } from './schema.js';

/** What a new account is made of, once its fields have passed the rules. */
export interface NewAccount {
  username: string;
  email: string;
  /** Null for an account that signs in only through Google. */
  passwordHash: string | null;
  firstName?: string;
  lastName?: string;
  isStaff?: boolean;
  isSuperuser?: boolean;
}

/** A sign-up as typed: checked by `checkSignUp` before anything is stored. */
export interface SignUp {
  username: string;
  email: string;
  password1: string;
  password2: string;
}

function addProblem(problems: Record<string, string[]>, field: string, message: string): void {
  (problems[field] ??= []).push(message);
}

/** Accounts: the only place where users are created and their fields are checked. */
export class UserService {
  constructor(
    private readonly database: Database,
    private readonly plans: PlanService,
    /** Called after the commit of any change to a user: in-process caches of sessions drop it. */
    private readonly userChanged: (userId: number) => Promise<void>,
  ) {}

  private get db() {
    return this.database.db;
  }

  /** The user object; pass the plan when it is at hand (a signed-in request has it) to save a query. */
  async present(user: UserRow, knownPlan?: PlanRow | null): Promise<UserBody> {
    const plan = knownPlan !== undefined && (knownPlan?.id ?? null) === user.planId ? knownPlan : await this.plans.findById(user.planId);
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

  findByLogin(identifier: string): Promise<UserRow | undefined> {
    return findUserByLogin(this.db, identifier);
  }

  /** The account with exactly this username (case-insensitively), never one whose e-mail it is. */
  findByUsername(username: string): Promise<UserRow | undefined> {
    return findUserByUsername(this.db, username);
  }

  findById(id: number, db: DbOrTx = this.db): Promise<UserRow | undefined> {
    return findUserById(db, id);
  }

  findByEmail(email: string, db: DbOrTx = this.db): Promise<UserRow | undefined> {
    return findUserByEmail(db, normaliseEmail(email));
  }

  /** Checks a sign-up against every rule and reports all problems at once; returns it normalised. */
  async checkSignUp(input: SignUp): Promise<{ username: string; email: string; password: string }> {
    const username = normaliseUsername(input.username);
    const email = normaliseEmail(input.email);
    const problems: Record<string, string[]> = {};
    const usernameIssue = usernameProblem(username) ?? ((await usernameTaken(this.db, username)) ? 'A user with that username already exists.' : undefined);
    if (usernameIssue) addProblem(problems, 'username', usernameIssue);
    const emailIssue = emailProblem(email) ?? ((await emailTaken(this.db, email)) ? 'A user is already registered with this e-mail address.' : undefined);
    if (emailIssue) addProblem(problems, 'email', emailIssue);
    for (const problem of passwordProblems(input.password1, { username, email })) addProblem(problems, 'password1', problem);
    if (input.password1 !== input.password2) addProblem(problems, 'non_field_errors', "The two password fields didn't match.");
    if (Object.keys(problems).length > 0) throw new ValidationError(problems);
    return { username, email, password: input.password1 };
  }

  /**
   * Stores a new account on the default (Free) plan. Fields must have passed the rules; the unique
   * indexes settle a race between two identical sign-ups (the loser gets a 409).
   */
  async createAccount(tx: DbOrTx, account: NewAccount): Promise<UserRow> {
    const plan = await this.plans.defaultPlan(tx);
    return insertUser(tx, {
      username: account.username,
      email: normaliseEmail(account.email),
      passwordHash: account.passwordHash,
      firstName: normaliseName(account.firstName ?? ''),
      lastName: normaliseName(account.lastName ?? ''),
      isStaff: account.isStaff ?? false,
      isSuperuser: account.isSuperuser ?? false,
      planId: plan?.id ?? null,
    });
  }

  /** A username nobody has, made from `wanted` (the local part of an address). */
  async freeUsername(tx: DbOrTx, wanted: string): Promise<string> {
    const base = usernameFrom(wanted);
    if (!(await usernameTaken(tx, base))) return base;
    for (;;) {
      const candidate = `${base}${randomBytes(3).readUIntBE(0, 3) % 100000}`;
      if (!(await usernameTaken(tx, candidate))) return candidate;
    }
  }

  /** Applies a profile change; every field is checked first and all problems are reported together. */
  async update(user: UserRow, patch: UserPatch): Promise<UserRow> {
    const problems: Record<string, string[]> = {};
    const changes: UserChanges = {};
    if (patch.username !== undefined && patch.username !== user.username) {
      if (await usernameTaken(this.db, patch.username, user.id)) problems.username = ['A user with that username already exists.'];
      else changes.username = patch.username;
    }
    if (patch.email !== undefined) {
      const email = normaliseEmail(patch.email);
      const problem = emailProblem(email) ?? ((await emailTaken(this.db, email, user.id)) ? 'A user with this email address already exists.' : undefined);
      if (problem) problems.email = [problem];
      else if (email !== user.email) changes.email = email;
    }
    if (patch.first_name !== undefined) changes.firstName = normaliseName(patch.first_name);
    if (patch.last_name !== undefined) changes.lastName = normaliseName(patch.last_name);
    if (patch.date_of_birth !== undefined) {
      const value = patch.date_of_birth === '' ? null : patch.date_of_birth;
      const problem = value === null ? undefined : dateOfBirthProblem(value);
      if (problem) problems.date_of_birth = [problem];
      else changes.dateOfBirth = value;
    }
    if (Object.keys(problems).length > 0) throw new ValidationError(problems);
    const updated = await updateUser(this.db, user.id, changes);
    if (!updated) throw new Error(`user ${user.id} vanished during an update`);
    await this.userChanged(user.id);
    return updated;
  }

  /** Part of a password change: the caller owns the transaction and calls `changed` after its commit. */
  setPasswordHash(tx: DbOrTx, userId: number, passwordHash: string): Promise<void> {
    return setPasswordHash(tx, userId, passwordHash);
  }

  recordLogin(tx: DbOrTx, userId: number): Promise<void> {
    return recordLogin(tx, userId);
  }

  makeSuperuser(tx: DbOrTx, userId: number, email: string): Promise<void> {
    return setStaffFlags(tx, userId, { isStaff: true, isSuperuser: true, email: normaliseEmail(email) });
  }

  /** The user whose Stripe subscription or customer this is (by the ids stored at checkout), if any. */
  async findByStripeIds(db: DbOrTx, ids: { subscriptionId: string | null; customerId: string | null }): Promise<UserRow | undefined> {
    const bySubscription = ids.subscriptionId ? await findUserByStripeSubscriptionId(db, ids.subscriptionId) : undefined;
    return bySubscription ?? (ids.customerId ? await findUserByStripeCustomerId(db, ids.customerId) : undefined);
  }

  /** The user's row, locked until the transaction ends. */
  lockForUpdate(tx: DbOrTx, userId: number): Promise<UserRow | undefined> {
    return lockUserById(tx, userId);
  }

  /**
   * Links a Stripe customer to the user unless one is linked already (two checkouts at once), and
   * announces the change; returns the customer id the user has now.
   */
  async linkStripeCustomer(userId: number, customerId: string): Promise<string> {
    const stored = await setStripeCustomerIdIfMissing(this.db, userId, customerId);
    if (!stored) throw new Error(`user ${userId} vanished while a Stripe customer was linked`);
    await this.userChanged(userId);
    return stored;
  }

  /** Part of a sync with Stripe: the caller owns the transaction and calls `changed` after its commit. */
  setSubscription(tx: DbOrTx, userId: number, fields: SubscriptionFields): Promise<void> {
    return setSubscriptionFields(tx, userId, fields);
  }

  /** Tells every process that this user's row changed; call after the commit that changed it. */
  changed(userId: number): Promise<void> {
    return this.userChanged(userId);
  }
}
