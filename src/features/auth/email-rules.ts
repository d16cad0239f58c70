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

export const MAX_EMAIL_LENGTH = 254;

/** Trims and lower-cases, as the address is stored. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The first problem with an (already normalised) address, or undefined when it is acceptable. */
export function emailProblem(email: string): string | undefined {
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) return 'Enter a valid email address.';
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const fixed = TYPO_DOMAINS[domain];
  if (fixed) return `Did you mean "${local}@${fixed}"? Please check your email address.`;
  if (DISPOSABLE_DOMAINS.has(domain)) return 'Disposable email addresses are not allowed. Please use a permanent email address.';
  return undefined;
}
