import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../../http/common-schemas.js';
import { requireUser, signedIn } from '../auth/sessions/authenticate.js';
import { CheckoutInput, RedirectBody, VerifySessionBody, VerifySessionQuery, WebhookHeaders, WebhookReceipt } from './schema.js';
import { SUBSCRIPTION_EVENTS } from './rules.js';
import type { PaymentService } from './service.js';

const tags = ['payments'];
const consumes = ['application/json', 'application/x-www-form-urlencoded'];

/**
 * Stripe's webhook, in a scope of its own: Stripe signs the exact bytes it sends, so here a JSON
 * body is kept as bytes (the rest of the API parses it), and nothing but JSON is taken. Anonymous:
 * the signature is its authentication, and a request without cookies meets no CSRF check.
 */
const stripeWebhookRoute: FastifyPluginAsyncTypebox<{ payments: PaymentService }> = async (app, { payments }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post(
    '/core/payments/webhook/stripe/',
    {
      schema: {
        tags,
        summary: 'Stripe webhook: the signed event is applied at most once; a failure to apply it answers 500 so Stripe delivers it again',
        description: `The body is a Stripe event as Stripe sends it (JSON), checked against \`Stripe-Signature\` with STRIPE_WEBHOOK_SECRET; a bad or missing signature, a changed body or a timestamp over 5 minutes old is refused with 400. Events that change subscriptions: ${SUBSCRIPTION_EVENTS.join(', ')}; others are recorded and ignored.`,
        consumes: ['application/json'],
        headers: WebhookHeaders,
        response: { 200: WebhookReceipt, ...errorResponses(400, 413, 415, 503), 500: Type.Ref('ErrorBody') },
      },
    },
    async (request) => payments.receiveWebhook(Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0), request.headers['stripe-signature']),
  );
};

export const paymentRoutes: FastifyPluginAsyncTypebox<{ payments: PaymentService }> = async (app, { payments }) => {
  app.post(
    '/core/payments/create-checkout-session/',
    {
      schema: {
        tags,
        summary: 'A Stripe Checkout page for a plan (`billing`: monthly or yearly); refused with 409 while the caller has a subscription (changes go through the billing portal)',
        security: signedIn,
        consumes,
        body: CheckoutInput,
        response: { 200: RedirectBody, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 502, 503) },
      },
    },
    async (request) => payments.createCheckoutSession(requireUser(request).user, request.body),
  );

  app.get(
    '/core/payments/verify-session/',
    {
      schema: {
        tags,
        summary: "The success page's check of the caller's own Checkout Session; applies its subscription to the caller as the webhook would",
        security: signedIn,
        querystring: VerifySessionQuery,
        response: { 200: VerifySessionBody, ...errorResponses(400, 401, 404, 502, 503) },
      },
    },
    async (request) => payments.verifySession(requireUser(request).user, request.query.session_id),
  );

  app.post(
    '/core/billing/portal/',
    {
      schema: {
        tags,
        summary: "A Stripe billing-portal page for the caller's subscription (change plan, payment method, cancel), returning to /profile",
        security: signedIn,
        response: { 200: RedirectBody, ...errorResponses(400, 401, 403, 502, 503) },
      },
    },
    async (request) => payments.createPortalSession(requireUser(request).user),
  );

  await app.register(stripeWebhookRoute, { payments });
};
