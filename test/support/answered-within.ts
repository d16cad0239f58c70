import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { App } from '../../src/app.js';

/** What the fault tests hold every request to while a dependency is down or hung. */
export const OUTAGE_BOUND_MS = 2000;

/** Sends a request and checks it was answered within the bound: a dependency away must not make a request hang. */
export async function answeredWithin(app: App, request: InjectOptions, boundMs = OUTAGE_BOUND_MS): Promise<LightMyRequestResponse> {
  const started = performance.now();
  const response = await app.inject(request);
  const elapsed = performance.now() - started;
  expect(elapsed, `${JSON.stringify(request).slice(0, 80)} took ${elapsed.toFixed(0)} ms`).toBeLessThan(boundMs);
  return response;
}
