import type { TSchema } from 'typebox';

interface SchemaShape {
  type?: string;
  maxLength?: number;
  maxItems?: number;
  items?: SchemaShape;
  properties?: Record<string, SchemaShape>;
}

/** Cuts a string to at most `max` UTF-16 units without leaving half a surrogate pair. */
function clipString(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.slice(0, max);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function clipValue(value: unknown, schema: SchemaShape | undefined): unknown {
  if (schema === undefined) return value;
  if (typeof value === 'string' && schema.maxLength !== undefined) return clipString(value, schema.maxLength);
  if (Array.isArray(value)) {
    const kept = schema.maxItems === undefined ? value : value.slice(0, schema.maxItems);
    return kept.map((item: unknown) => clipValue(item, schema.items));
  }
  if (value !== null && typeof value === 'object' && schema.properties !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = clipValue(item, schema.properties[key]);
    return out;
  }
  return value;
}

/** Clips every string and list of a value to the bounds its schema sets, instead of failing on them. */
export function clipToSchema<T>(value: T, schema: TSchema): T {
  const shape: SchemaShape = schema;
  return clipValue(value, shape) as T;
}
