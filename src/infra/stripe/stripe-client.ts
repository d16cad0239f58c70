import Stripe from 'stripe';

/** The Stripe SDK, pointed at STRIPE_API_BASE when set (tests run a local fake that speaks Stripe's protocol). */
export function createStripeClient(secretKey: string, apiBase: string | undefined): Stripe {
  const base = apiBase ? new URL(apiBase) : undefined;
  return new Stripe(secretKey, {
    // One retry layer for the whole service: the SDK's own retries are off.
    maxNetworkRetries: 0,
    timeout: 10_000,
    telemetry: false,
    ...(base
      ? { host: base.hostname, port: base.port || (base.protocol === 'https:' ? 443 : 80), protocol: base.protocol === 'https:' ? 'https' : 'http' }
      : {}),
  });
}

export type { Stripe };
