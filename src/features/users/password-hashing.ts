import { hash, verify } from '@node-rs/argon2';

/** argon2id (the library's default algorithm and cost: 19 MiB, 2 passes), off the event loop. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified against when the account does not exist, so a failed login takes as long either way.
let dummyHash: Promise<string> | undefined;

/** Checks a password against a stored hash; with no hash, spends the same time and answers false. */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  dummyHash ??= hashPassword('not-a-real-password-but-costs-the-same');
  // A stored value that is not an argon2 hash (an account made without a password) matches nothing.
  const usable = storedHash?.startsWith('$argon2') === true;
  const matches = await verify(usable && storedHash ? storedHash : await dummyHash, password);
  return usable && matches;
}
