/** A row id from a path or a body: a positive integer of at most 16 digits, or undefined for anything else. */
export function positiveId(raw: string | number): number | undefined {
  const text = String(raw);
  return /^[1-9][0-9]{0,15}$/.test(text) ? Number(text) : undefined;
}

/** The id in `raw`, spaces around it allowed (a form sends an id as text), or the error `notFound` makes. */
export function positiveIdOr(raw: string | number, notFound: () => Error): number {
  const id = positiveId(String(raw).trim());
  if (id === undefined) throw notFound();
  return id;
}
