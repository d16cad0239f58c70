import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

const COMMON_PASSWORDS = new Set((dictionary as Record<string, string[]>)['passwords-common']);
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;
const MAX_SIMILARITY = 0.7;

/** argon2id (the library's default algorithm and cost: 19 MiB, 2 passes), off the event loop. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified against when the account does not exist, so a failed login takes as long either way.
let dummyHash: Promise<string> | undefined;

/** Checks a password against a stored hash; with no hash, spends the same time and answers false. */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('not-a-real-password-but-costs-the-same');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

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

/** The password rules people know from the upstream: length, not common, not all digits, not like their name. */
export function passwordProblems(password: string, context: PasswordContext): string[] {
  const problems: string[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) {
    problems.push(`This password is too short. It must contain at least ${MIN_PASSWORD_LENGTH} characters.`);
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
