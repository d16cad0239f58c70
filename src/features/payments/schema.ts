import { Type, type Static } from 'typebox';
import { SingleLine, nullable } from '../../http/common-schemas.js';

/**
 * The upstream's body, read loosely: its checks and their `{"error": ...}` answers (missing fields,
 * a plan id that is not a number, an unknown plan or billing cycle) come from the service.
 */
export const CheckoutInput = Type.Object({
  plan_id: Type.Optional(Type.Union([Type.Integer(), SingleLine({ maxLength: 40 }), Type.Null()], { description: 'the plan to subscribe to' })),
  billing: Type.Optional(Type.Union([SingleLine({ maxLength: 40 }), Type.Null()], { description: '`monthly` or `yearly`' })),
});
export type CheckoutInput = Static<typeof CheckoutInput>;

export const RedirectBody = Type.Object({ url: Type.String({ description: 'where to send the browser: a Stripe-hosted page' }) });
export type RedirectBody = Static<typeof RedirectBody>;

export const VerifySessionQuery = Type.Object({
  session_id: Type.Optional(SingleLine({ maxLength: 255, description: 'the Checkout Session id (`cs_...`) Stripe put in the success URL' })),
});

const Timestamp = nullable(Type.String({ format: 'date-time', description: 'ISO 8601, UTC' }));

export const VerifySessionBody = Type.Object({
  success: Type.Literal(true),
  subscription: Type.Object({
    id: nullable(Type.Integer({ description: 'the id of the plan the subscription pays for; null when its price is not one of our plans' })),
    plan_name: Type.String({ description: '"Unknown" when the price is not one of our plans' }),
    status: Type.String({ description: "Stripe's subscription status" }),
    current_period_start: Timestamp,
    current_period_end: Timestamp,
  }),
});
export type VerifySessionBody = Static<typeof VerifySessionBody>;

export const WebhookHeaders = Type.Object({
  'stripe-signature': Type.Optional(SingleLine({ maxLength: 4000, description: "Stripe's signature of the exact body" })),
});

export const WebhookReceipt = Type.Object({
  received: Type.Literal(true),
  duplicate: Type.Boolean({ description: 'the event had been applied before; nothing changed' }),
});
export type WebhookReceipt = Static<typeof WebhookReceipt>;
