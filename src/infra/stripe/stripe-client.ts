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

/**
 * How a failed Stripe call failed: `missing` (no such object), `unavailable` (Stripe could not be
 * reached, had an error of its own, or asked us to slow down: worth trying again later), `refused`
 * (it refused the request: our key, parameters or account), or undefined when it is not Stripe's error.
 */
export function stripeFailureKind(error: unknown): 'missing' | 'unavailable' | 'refused' | undefined {
  if (!(error instanceof Stripe.errors.StripeError)) return undefined;
  if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError || error instanceof Stripe.errors.StripeRateLimitError) {
    return 'unavailable';
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing') return 'missing';
  return (error.statusCode ?? 0) >= 500 ? 'unavailable' : 'refused';
}
