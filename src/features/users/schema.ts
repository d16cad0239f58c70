import { Type, type Static } from 'typebox';
import { PlanSchema } from '../plans/schema.js';

const nullableString = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

/** The upstream's user object, field for field. */
export const UserSchema = Type.Object(
  {
    pk: Type.Integer(),
    username: Type.String(),
    email: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    date_of_birth: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
    plan: Type.Union([PlanSchema, Type.Null()]),
    stripe_subscription_id: nullableString('read-only'),
    stripe_subscription_status: nullableString('read-only; any Stripe subscription status'),
    stripe_customer_id: nullableString('read-only'),
    subscription_renewal_date: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'end of the current billing period' }),
    subscription_interval: Type.Union([Type.Literal('month'), Type.Literal('year'), Type.Null()]),
  },
);
export type UserBody = Static<typeof UserSchema>;

export const USERNAME_PATTERN = '^[\\w.@+-]+$';

const writable = {
  username: Type.String({ minLength: 1, maxLength: 150, pattern: USERNAME_PATTERN }),
  email: Type.String({ maxLength: 254 }),
  first_name: Type.String({ maxLength: 150 }),
  last_name: Type.String({ maxLength: 150 }),
  // The web client sends "" for an empty date; it means no date.
  date_of_birth: Type.Union([Type.String({ pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' }), Type.Null()]),
};

/** PATCH: any subset of the writable fields; anything else (read-only or unknown) is ignored. */
export const UserPatchBody = Type.Object(
  {
    username: Type.Optional(writable.username),
    email: Type.Optional(writable.email),
    first_name: Type.Optional(writable.first_name),
    last_name: Type.Optional(writable.last_name),
    date_of_birth: Type.Optional(writable.date_of_birth),
  },
  { additionalProperties: false },
);
export type UserPatch = Static<typeof UserPatchBody>;

/** PUT: like PATCH, but username is required. */
export const UserPutBody = Type.Object(
  {
    username: writable.username,
    email: Type.Optional(writable.email),
    first_name: Type.Optional(writable.first_name),
    last_name: Type.Optional(writable.last_name),
    date_of_birth: Type.Optional(writable.date_of_birth),
  },
  { additionalProperties: false },
);
