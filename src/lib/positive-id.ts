/** A row id from a path or a body: a positive integer of at most 16 digits, or undefined for anything else. */
export function positiveId(raw: string | number): number | undefined {
  const text = String(raw);
  return /^[1-9][0-9]{0,15}$/.test(text) ? Number(text) : undefined;
}
