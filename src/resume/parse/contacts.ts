import { asciiDigits } from './text.js';

/** A social or code profile found in the text, kept as written. */
export interface FoundProfile {
  network: string;
  username?: string;
  url?: string;
}

export interface FoundContacts {
  email?: string;
  phone?: string;
  url?: string;
  profiles: FoundProfile[];
}

// Bounded quantifiers, and the domain's dots anchor its labels, so a hostile line costs linear time.
const EMAIL = /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,6}\.\p{L}{2,24}/u;
const PHONE_LABEL = /(?<!\p{L})(?:phone|tel|mobile|mob|cell|téléphone|telephone|tél|portable|telefon|handy|teléfono|telefono|móvil|celular|cellulare|телефон|тел|моб|电话|手机|تلفن|موبایل|شماره تماس|هاتف|جوال)(?!\p{L})\.?\s*[:：]?\s*/iu;
const PHONE = /(?:\(?\+|00|\()?\d[\d\s().\-/]{5,22}\d/;
const NETWORKS: [RegExp, string][] = [
  [/linkedin\.com/i, 'LinkedIn'],
  [/github\.com/i, 'GitHub'],
  [/gitlab\.com/i, 'GitLab'],
  [/(?:twitter|x)\.com/i, 'Twitter'],
  [/orcid\.org/i, 'ORCID'],
  [/stackoverflow\.com/i, 'Stack Overflow'],
  [/kaggle\.com/i, 'Kaggle'],
  [/xing\.com/i, 'XING'],
  [/behance\.net/i, 'Behance'],
  [/dribbble\.com/i, 'Dribbble'],
  [/medium\.com/i, 'Medium'],
  [/scholar\.google/i, 'Google Scholar'],
];
const LABELLED_PROFILE = /\b(linkedin|github|gitlab|twitter|orcid)\s*[:：]\s*(@?[\w./-]{2,100})/giu;
const URL = /(?:https?:\/\/|www\.)[^\s|,;<>"')]{2,300}|(?<![@\w.-])(?:[a-z0-9-]{1,63}\.){1,4}(?:com|org|net|io|dev|me|info|co|de|fr|es|it|ru|cn|ir|uk|eu|app|tech|ai|page|site|xyz|blog|ch|at|nl|be|pt|br|in|us|ca)(?:\/[^\s|,;<>"')]{0,300})?(?![\w@])/giu;

const digitCount = (text: string) => (text.match(/\d/g) ?? []).length;

/** Whether a digit run reads as a phone number rather than a date range or a figure. */
function plausiblePhone(candidate: string, labelled: boolean): boolean {
  const digits = digitCount(candidate);
  if (digits < 7 || digits > 15) return false;
  if (/^(?:19|20)\d{2}\s*[-–/]\s*(?:19|20)\d{2}$/.test(candidate.trim())) return false;
  if (/^\d{1,2}[./]\d{4}|^\d{4}[./-]\d{1,2}(?:\s|$)/.test(candidate.trim())) return false;
  return labelled || /^\+|^00|^\(|\d[\s.-]\d/.test(candidate.trim());
}

/** Finds a phone number in a line, preferring one after a label ("Tel:", "Mobile", "电话"); unlabelled ones only when `unlabelled`. */
export function findPhone(line: string, unlabelled = true): string | undefined {
  const text = asciiDigits(line);
  const label = PHONE_LABEL.exec(text);
  if (label) {
    const from = label.index + label[0].length;
    const match = PHONE.exec(text.slice(from));
    if (match && match.index <= 5 && plausiblePhone(match[0], true)) return line.slice(from + match.index, from + match.index + match[0].length).trim();
  }
  if (!unlabelled) return undefined;
  const match = PHONE.exec(text);
  if (match && plausiblePhone(match[0], false)) return line.slice(match.index, match.index + match[0].length).trim();
  return undefined;
}

const trimUrl = (url: string) => url.replace(/[.:]+$/, '');

/**
 * Gathers e-mail, phone, personal site and profiles from contact lines, keeping each as written
 * (no scheme added to a link, no reformatting of a number). Unlabelled phone numbers are read only
 * when `unlabelledPhones`: elsewhere a run of digits is more often a date range or a figure.
 */
export function findContacts(lines: string[], unlabelledPhones = true): FoundContacts {
  const found: FoundContacts = { profiles: [] };
  const networks = new Set<string>();
  for (const raw of lines) {
    if (raw.length > 2000) continue;
    // Cheap character tests first: most lines hold no '@', no digit and no dot, and the patterns are not free.
    const email = raw.includes('@') ? EMAIL.exec(raw) : null;
    if (email && found.email === undefined) found.email = email[0];
    const line = email ? raw.replace(EMAIL, ' ') : raw;
    if (found.phone === undefined && /\d/.test(asciiDigits(line))) {
      const phone = findPhone(line, unlabelledPhones);
      if (phone !== undefined) found.phone = phone;
    }
    if (!line.includes('.') && !line.includes(':')) continue;
    for (const match of line.matchAll(LABELLED_PROFILE)) {
      const value = match[2] ?? '';
      const network = NETWORKS.find(([, name]) => name.toLowerCase() === (match[1] ?? '').toLowerCase())?.[1] ?? match[1] ?? '';
      if (networks.has(network) || /\.(?:com|org)/i.test(value)) continue;
      networks.add(network);
      found.profiles.push({ network, username: value.replace(/^@|^\/?in\//, '').replace(/\/$/, '') });
    }
    for (const match of line.matchAll(URL)) {
      const url = trimUrl(match[0]);
      const network = NETWORKS.find(([pattern]) => pattern.test(url))?.[1];
      if (network === undefined) {
        if (found.url === undefined) found.url = url;
        continue;
      }
      if (networks.has(network)) continue;
      networks.add(network);
      const username = /\.(?:com|org|net)\/(?:in\/|u\/|@)?([^/?#\s]{1,100})/i.exec(url)?.[1];
      found.profiles.push({ network, url, ...(username === undefined ? {} : { username }) });
    }
  }
  return found;
}

/** Whether a line is mostly contact data (an e-mail, a phone, a link). */
export function isContactLine(line: string): boolean {
  return EMAIL.test(line) || /(?:https?:\/\/|www\.|linkedin|github)/i.test(line) || (findPhone(line) !== undefined && digitCount(line) >= line.replace(/\s/g, '').length / 3);
}
