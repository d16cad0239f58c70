import { Type, type Static } from 'typebox';
import { SingleLine } from '../../http/common-schemas.js';
import { PlanSchema } from '../plans/schema.js';
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, USERNAME_CHARACTERS, USERNAME_MAX_LENGTH, USERNAME_PATTERN } from './rules.js';

const nullableString = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

/** The upstream's user object, field for field. */
export const UserSchema = Type.Object({
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
});
export type UserBody = Static<typeof UserSchema>;

// The fields of an account as requests carry them; the rules they must also pass are in rules.ts.

/** A username as a profile change sends it. */
const usernameField = () => Type.String({ minLength: 1, maxLength: USERNAME_MAX_LENGTH, pattern: USERNAME_PATTERN });
/** A username as typed into a sign-up form: surrounding spaces are trimmed, not refused. */
export const signUpUsernameField = () => Type.String({ maxLength: USERNAME_MAX_LENGTH, pattern: `^ *${USERNAME_CHARACTERS}* *$` });
export const emailField = (description?: string) => SingleLine({ maxLength: EMAIL_MAX_LENGTH, ...(description ? { description } : {}) });
export const passwordField = (description?: string) => SingleLine({ maxLength: PASSWORD_MAX_LENGTH, ...(description ? { description } : {}) });
const nameField = () => SingleLine({ maxLength: NAME_MAX_LENGTH });
// The web client sends "" for an empty date; it means no date.
const dateOfBirthField = () => Type.Union([Type.String({ pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' }), Type.Null()]);

/** PATCH: any subset of the writable fields; anything else (read-only or unknown) is ignored. */
export const UserPatchBody = Type.Object(
  {
    username: Type.Optional(usernameField()),
    email: Type.Optional(emailField()),
    first_name: Type.Optional(nameField()),
    last_name: Type.Optional(nameField()),
    date_of_birth: Type.Optional(dateOfBirthField()),
  },
  { additionalProperties: false },
);
export type UserPatch = Static<typeof UserPatchBody>;

/** PUT: like PATCH, but username is required. */
export const UserPutBody = Type.Object(
  {
    username: usernameField(),
    email: Type.Optional(emailField()),
    first_name: Type.Optional(nameField()),
    last_name: Type.Optional(nameField()),
    date_of_birth: Type.Optional(dateOfBirthField()),
  },
  { additionalProperties: false },
);
