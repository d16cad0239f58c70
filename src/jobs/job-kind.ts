import type { TSchema } from 'typebox';

/**
 * What enqueueing needs to know of a kind of job: its name, the shape of its payload and how many
 * attempts it gets. The kind's handler carries it, so a kind is described in one place.
 */
export interface JobKind<Payload extends TSchema = TSchema> {
  readonly kind: string;
  readonly payload: Payload;
  readonly maxAttempts: number;
}
