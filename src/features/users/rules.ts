import { dictionary } from '@zxcvbn-ts/language-common';

// The rules for an account's fields, in one place: sign-up, profile changes, Google sign-in, the
// password screens and the admin command all check them here.

export const USERNAME_MAX_LENGTH = 150;
/** Django's username characters: letters, digits and @ . + - _ */
export const USERNAME_CHARACTERS = '[\\w.@+-]';
export const USERNAME_PATTERN = `^${USERNAME_CHARACTERS}+$`;
export const NAME_MAX_LENGTH = 150;
export const EMAIL_MAX_LENGTH = 254;
const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

const USERNAME = new RegExp(USERNAME_PATTERN);

export function normaliseUsername(username: string): string {
  return username.trim();
}

/** The first problem with an (already normalised) username, or undefined. */
export function usernameProblem(username: string): string | undefined {
  if (username.length === 0) return 'This field may not be blank.';
  if (username.length > USERNAME_MAX_LENGTH) return `Ensure this field has no more than ${USERNAME_MAX_LENGTH} characters.`;
  if (!USERNAME.test(username)) return 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.';
  return undefined;
}

/** A valid username made from any text (the local part of an address), leaving room for a suffix. */
export function usernameFrom(text: string): string {
  return text.replace(/[^\w.@+-]/g, '').slice(0, USERNAME_MAX_LENGTH - 10) || 'user';
}

/** First and last names are stored trimmed and cut to their column's length. */
export function normaliseName(name: string): string {
  return name.trim().slice(0, NAME_MAX_LENGTH);
}

// The upstream's e-mail rules: syntax, common typos of big providers, disposable domains.

const TYPO_DOMAINS: Record<string, string> = {
  'gmial.com': 'gmail.com',
  'gmai.com': 'gmail.com',
  'gmail.co': 'gmail.com',
  'gmail.con': 'gmail.com',
  'yahooo.com': 'yahoo.com',
  'yahoo.co': 'yahoo.com',
  'hotmial.com': 'hotmail.com',
  'hotmail.co': 'hotmail.com',
  'outlok.com': 'outlook.com',
  'outlook.co': 'outlook.com',
};

const DISPOSABLE_DOMAINS = new Set([
  '10minutemail.com',
  'tempmail.org',
  'guerrillamail.com',
  'mailinator.com',
  'temp-mail.org',
  'throwaway.email',
  'yopmail.com',
  'maildrop.cc',
  'tempmail.plus',
  'discard.email',
  '0-mail.com',
  '33mail.com',
  'fakemailgenerator.com',
  'temporaryemail.us',
  'emailondeck.com',
]);

// Local part: dot-atoms; domain: labels of letters, digits and hyphens with a TLD of two or more letters.
const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Trims and lower-cases, as the address is stored. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The first problem with an (already normalised) address, or undefined when it is acceptable. */
export function emailProblem(email: string): string | undefined {
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL.test(email)) return 'Enter a valid email address.';
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const fixed = TYPO_DOMAINS[domain];
  if (fixed) return `Did you mean "${local}@${fixed}"? Please check your email address.`;
  if (DISPOSABLE_DOMAINS.has(domain)) return 'Disposable email addresses are not allowed. Please use a permanent email address.';
  return undefined;
}

// The password rules people know from the upstream: length, not common, not all digits, not like their name.

const COMMON_PASSWORDS = new Set((dictionary as Record<string, string[]>)['passwords-common']);
const MAX_SIMILARITY = 0.7;

/** Python's SequenceMatcher.quick_ratio: how many characters two strings share, as a ratio. */
function quickRatio(a: string, b: string): number {
  if (a.length + b.length === 0) return 1;
  const counts = new Map<string, number>();
  for (const char of b) counts.set(char, (counts.get(char) ?? 0) + 1);
  let matches = 0;
  for (const char of a) {
    const left = counts.get(char) ?? 0;
    if (left > 0) {
      matches++;
      counts.set(char, left - 1);
    }
  }
  return (2 * matches) / (a.length + b.length);
}

/** What a password must not resemble. */
export interface PasswordContext {
  username?: string | undefined;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
}

const ATTRIBUTE_NAMES: [keyof PasswordContext, string][] = [
  ['username', 'username'],
  ['firstName', 'first name'],
  ['lastName', 'last name'],
  ['email', 'email address'],
];

export function passwordProblems(password: string, context: PasswordContext): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) {
    problems.push(`This password is too short. It must contain at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  const lowered = password.toLowerCase();
  for (const [attribute, name] of ATTRIBUTE_NAMES) {
    const value = context[attribute]?.toLowerCase();
    if (!value) continue;
    const parts = [...value.split(/\W+/).filter((part) => part.length > 0), value];
    // Like Django: a long password is not "similar" to a far shorter attribute just by sharing letters.
    if (parts.some((part) => lowered.length < 10 * part.length && quickRatio(lowered, part) >= MAX_SIMILARITY)) {
      problems.push(`The password is too similar to the ${name}.`);
      break;
    }
  }
  if (COMMON_PASSWORDS.has(lowered.trim())) problems.push('This password is too common.');
  if (/^\d+$/.test(password)) problems.push('This password is entirely numeric.');
  return problems;
}

/**
 * Problems with a new password typed twice, as the password-change and reset screens report them:
 * everything under `new_password2`, as the upstream's client expects.
 */
export function newPasswordProblems(input: { new_password1: string; new_password2: string }, context: PasswordContext): string[] {
  const problems = passwordProblems(input.new_password1, context);
  if (input.new_password1 !== input.new_password2) problems.push('The two password fields didn’t match.');
  return problems;
}

/** Dates of birth are valid calendar days, and nobody was born in the future or before 1900. */
export function dateOfBirthProblem(value: string): string | undefined {
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    return 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.';
  }
  if (value < '1900-01-01' || date.getTime() > Date.now()) return 'Enter a date between 1900-01-01 and today.';
  return undefined;
}
