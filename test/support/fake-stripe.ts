import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/**
 * A local stand-in for api.stripe.com that the real `stripe` SDK talks to (STRIPE_API_BASE). It speaks
 * the wire protocol of the calls the service makes: form-encoded bodies with `a[b][0]=c` nesting,
 * `expand[]`, `Idempotency-Key` (a repeat with the same parameters gets the first answer; with others,
 * Stripe's idempotency error), JSON objects with their `object` field, and Stripe's error bodies.
 * It keeps prices, customers, Checkout Sessions, subscriptions and billing-portal sessions, and tests
 * change subscriptions as Stripe would (a payment, a failed renewal, a cancellation in the portal).
 */

export type SubscriptionStatus = 'incomplete' | 'incomplete_expired' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'paused';

type Params = Record<string, unknown>;

export interface StripeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The form body (POST) or the query (GET), nested as Stripe reads it. */
  params: Params;
}

export interface FakePrice {
  unit_amount: number;
  interval: 'month' | 'year';
}

export interface FakeCustomer {
  id: string;
  object: 'customer';
  email: string | null;
  name: string | null;
  metadata: Record<string, string>;
  created: number;
  livemode: false;
}

export interface FakeCheckoutSession {
  id: string;
  object: 'checkout.session';
  mode: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  url: string | null;
  customer: string | null;
  customer_email: string | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  subscription: string | null;
  success_url: string;
  cancel_url: string;
  created: number;
  livemode: false;
  /** What the session was created with: the price and the subscription's metadata, kept for completeCheckout. */
  line_items_price: string;
  subscription_metadata: Record<string, string>;
}

export interface FakeSubscription {
  id: string;
  object: 'subscription';
  customer: string;
  status: SubscriptionStatus;
  metadata: Record<string, string>;
  created: number;
  start_date: number;
  cancel_at_period_end: boolean;
  livemode: false;
  items: {
    object: 'list';
    data: {
      id: string;
      object: 'subscription_item';
      quantity: number;
      price: { id: string; object: 'price'; currency: string; unit_amount: number | null; recurring: { interval: 'month' | 'year' } | null };
      current_period_start: number;
      current_period_end: number;
    }[];
    has_more: false;
    url: string;
  };
}

interface Reply {
  status: number;
  body: unknown;
}

interface IdempotentReply extends Reply {
  fingerprint: string;
}

const DAY = 24 * 60 * 60;

function stripeError(status: number, type: string, message: string, extra: Record<string, string> = {}): Reply {
  return { status, body: { error: { type, message, ...extra } } };
}

const noSuch = (what: string, id: string) => stripeError(404, 'invalid_request_error', `No such ${what}: '${id}'`, { code: 'resource_missing', param: 'id' });
const missingParam = (param: string) => stripeError(400, 'invalid_request_error', `Missing required param: ${param}.`, { code: 'parameter_missing', param });

/** Sets `a[b][0][c]=v` into `target` as Stripe nests it: numeric and empty brackets make arrays. */
function setNested(target: Params, key: string, value: string): void {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match?.[1]) return;
  const path = [match[1], ...[...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((part) => part[1] ?? '')];
  let node: Params | unknown[] = target;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] ?? '';
    const last = i === path.length - 1;
    const nextIsIndex = !last && /^\d*$/.test(path[i + 1] ?? '');
    if (Array.isArray(node)) {
      const index = segment === '' ? node.length : Number(segment);
      if (last) node[index] = value;
      else node = (node[index] ??= nextIsIndex ? [] : {}) as Params | unknown[];
    } else if (last) {
      node[segment] = value;
    } else {
      node = (node[segment] ??= nextIsIndex ? [] : {}) as Params | unknown[];
    }
  }
}

/** A form body or query string, nested. */
export function parseStripeForm(text: string): Params {
  const params: Params = {};
  for (const [key, value] of new URLSearchParams(text)) setNested(params, key, value);
  return params;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const record = (value: unknown): Record<string, string> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string')) : {};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(10).toString('hex')}`;
}

export class FakeStripe {
  readonly requests: StripeRequest[] = [];
  readonly customers = new Map<string, FakeCustomer>();
  readonly sessions = new Map<string, FakeCheckoutSession>();
  readonly subscriptions = new Map<string, FakeSubscription>();
  readonly portalSessions: { id: string; customer: string; return_url: string; url: string }[] = [];
  private readonly idempotent = new Map<string, IdempotentReply>();
  private readonly server: Server;
  /** Changes to make to a subscription right after it is next read (a change racing a sync). */
  private readonly afterReads = new Map<string, () => void>();
  /** Requests still to be answered with a 500 `api_error` (Stripe having a bad moment). */
  private failures = 0;
  private readonly prices: Map<string, FakePrice>;

  constructor(prices: Map<string, FakePrice> = new Map(), private readonly apiKey = 'sk_test_fake') {
    this.prices = new Map(prices);
    this.server = createServer((request, response) => void this.serve(request, response));
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  addPrice(id: string, price: FakePrice): void {
    this.prices.set(id, price);
  }

  /** How many requests asked for this price. */
  count(priceId: string): number {
    return this.requests.filter((request) => request.path === `/v1/prices/${priceId}`).length;
  }

  /** The requests to one path (`POST /v1/checkout/sessions`). */
  requestsTo(method: string, path: string): StripeRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  /** Right after the next read of this subscription is answered, `change` runs: Stripe changed it meanwhile. */
  afterNextRead(subscriptionId: string, change: () => void): void {
    this.afterReads.set(subscriptionId, change);
  }

  /** The next `count` requests fail with a 500 `api_error`. */
  failNext(count: number): void {
    this.failures = count;
  }

  /**
   * The customer pays: the session completes and its subscription is created with the session's
   * price and `subscription_data.metadata`, for one period from now.
   */
  completeCheckout(sessionId: string, status: SubscriptionStatus = 'active'): FakeSubscription {
    const session = this.sessions.get(sessionId);
    if (!session?.customer) throw new Error(`no checkout session ${sessionId} with a customer`);
    const subscription = this.newSubscription(session.customer, session.line_items_price, session.subscription_metadata, status);
    session.status = 'complete';
    session.payment_status = 'paid';
    session.subscription = subscription.id;
    session.url = null;
    return subscription;
  }

  /** A subscription made outside Checkout (the Dashboard, an older integration). */
  newSubscription(customer: string, priceId: string, metadata: Record<string, string>, status: SubscriptionStatus = 'active'): FakeSubscription {
    const now = Math.floor(Date.now() / 1000);
    const subscription: FakeSubscription = {
      id: newId('sub'),
      object: 'subscription',
      customer,
      status,
      metadata: { ...metadata },
      created: now,
      start_date: now,
      cancel_at_period_end: false,
      livemode: false,
      items: { object: 'list', data: [], has_more: false, url: '' },
    };
    subscription.items = { object: 'list', data: [this.item(priceId, now)], has_more: false, url: `/v1/subscription_items?subscription=${subscription.id}` };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  private item(priceId: string, start: number): FakeSubscription['items']['data'][number] {
    const price = this.prices.get(priceId);
    const interval = price?.interval ?? 'month';
    return {
      id: newId('si'),
      object: 'subscription_item',
      quantity: 1,
      price: { id: priceId, object: 'price', currency: 'usd', unit_amount: price?.unit_amount ?? null, recurring: { interval } },
      current_period_start: start,
      current_period_end: start + (interval === 'year' ? 365 : 30) * DAY,
    };
  }

  /** Changes a subscription as Stripe would: a new status, a new price (a plan switch in the portal), or both. */
  updateSubscription(id: string, change: { status?: SubscriptionStatus; price?: string }): FakeSubscription {
    const subscription = this.subscriptions.get(id);
    if (!subscription) throw new Error(`no subscription ${id}`);
    if (change.status) subscription.status = change.status;
    if (change.price) subscription.items.data = [this.item(change.price, Math.floor(Date.now() / 1000))];
    return subscription;
  }

  subscription(id: string): FakeSubscription {
    const subscription = this.subscriptions.get(id);
    if (!subscription) throw new Error(`no subscription ${id}`);
    return subscription;
  }

  /** A Checkout Session as the API shows it (and an event carries it). */
  checkoutSessionObject(id: string): Record<string, unknown> {
    const session = this.sessions.get(id);
    if (!session) throw new Error(`no checkout session ${id}`);
    return this.presentSession(session, []);
  }

  /** The one Checkout Session created so far for this customer (the test's person). */
  sessionOf(customer: string): FakeCheckoutSession {
    const found = [...this.sessions.values()].filter((session) => session.customer === customer);
    if (found.length !== 1) throw new Error(`expected one checkout session of ${customer}, found ${found.length}`);
    return found[0] as FakeCheckoutSession;
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://fake');
    const method = request.method ?? 'GET';
    const params = parseStripeForm(method === 'GET' ? url.search.slice(1) : Buffer.concat(chunks).toString('utf8'));
    this.requests.push({ method, path: url.pathname, headers: request.headers, params });
    const reply = this.answer(method, url.pathname, params, request.headers);
    response.statusCode = reply.status;
    response.setHeader('content-type', 'application/json');
    response.setHeader('request-id', `req_fake_${this.requests.length}`);
    const key = request.headers['idempotency-key'];
    if (typeof key === 'string') response.setHeader('idempotency-key', key);
    response.end(JSON.stringify(reply.body));
  }

  private answer(method: string, path: string, params: Params, headers: IncomingHttpHeaders): Reply {
    if (headers.authorization !== `Bearer ${this.apiKey}`) {
      return stripeError(401, 'invalid_request_error', 'Invalid API Key provided: sk_test_****');
    }
    if (this.failures > 0) {
      this.failures -= 1;
      return stripeError(500, 'api_error', 'Something went wrong on Stripe’s end (fake outage).');
    }
    const key = headers['idempotency-key'];
    if (method === 'POST' && typeof key === 'string') {
      // Stripe replays the first answer to a key, and refuses the key with other parameters.
      const fingerprint = createHash('sha256').update(`${path}\n${JSON.stringify(params)}`).digest('hex');
      const earlier = this.idempotent.get(key);
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) {
          return stripeError(400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`);
        }
        return earlier;
      }
      const reply = this.route(method, path, params);
      // Only answers that were processed are kept: Stripe lets a request that failed validation be retried.
      if (reply.status < 500) this.idempotent.set(key, { ...reply, fingerprint });
      return reply;
    }
    return this.route(method, path, params);
  }

  private route(method: string, path: string, params: Params): Reply {
    const [, version, resource, id, extra] = path.split('/');
    if (version !== 'v1') return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
    const expand = list(params.expand).filter((entry): entry is string => typeof entry === 'string');
    if (resource === 'prices' && method === 'GET' && id) return this.getPrice(decodeURIComponent(id));
    if (resource === 'customers' && method === 'POST' && !id) return this.createCustomer(params);
    if (resource === 'customers' && method === 'GET' && id) {
      const customer = this.customers.get(id);
      return customer ? { status: 200, body: customer } : noSuch('customer', id);
    }
    if (resource === 'checkout' && id === 'sessions' && method === 'POST' && !extra) return this.createSession(params);
    if (resource === 'checkout' && id === 'sessions' && method === 'GET' && extra) return this.getSession(decodeURIComponent(extra), expand);
    if (resource === 'subscriptions' && method === 'GET' && id) {
      const subscription = this.subscriptions.get(decodeURIComponent(id));
      if (!subscription) return noSuch('subscription', id);
      const body = structuredClone(subscription);
      const change = this.afterReads.get(subscription.id);
      this.afterReads.delete(subscription.id);
      change?.();
      return { status: 200, body };
    }
    if (resource === 'billing_portal' && id === 'sessions' && method === 'POST' && !extra) return this.createPortalSession(params);
    return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  }

  private getPrice(id: string): Reply {
    const price = this.prices.get(id);
    if (!price) return noSuch('price', id);
    return { status: 200, body: { id, object: 'price', active: true, unit_amount: price.unit_amount, currency: 'eur', recurring: { interval: price.interval }, livemode: false } };
  }

  private createCustomer(params: Params): Reply {
    const customer: FakeCustomer = {
      id: newId('cus'),
      object: 'customer',
      email: text(params.email) ?? null,
      name: text(params.name) ?? null,
      metadata: record(params.metadata),
      created: Math.floor(Date.now() / 1000),
      livemode: false,
    };
    this.customers.set(customer.id, customer);
    return { status: 200, body: customer };
  }

  private createSession(params: Params): Reply {
    for (const required of ['mode', 'success_url']) if (!text(params[required])) return missingParam(required);
    const item = record(list(params.line_items)[0]);
    if (!item.price) return missingParam('line_items[0][price]');
    if (!this.prices.has(item.price)) return noSuch('price', item.price);
    const customer = text(params.customer) ?? null;
    if (customer && !this.customers.has(customer)) return noSuch('customer', customer);
    const id = newId('cs_test');
    const subscriptionData = params.subscription_data as Params | undefined;
    const session: FakeCheckoutSession = {
      id,
      object: 'checkout.session',
      mode: text(params.mode) ?? 'payment',
      status: 'open',
      payment_status: 'unpaid',
      url: `https://checkout.stripe.test/c/pay/${id}`,
      customer,
      customer_email: text(params.customer_email) ?? null,
      client_reference_id: text(params.client_reference_id) ?? null,
      metadata: record(params.metadata),
      subscription: null,
      success_url: text(params.success_url) ?? '',
      cancel_url: text(params.cancel_url) ?? '',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      line_items_price: item.price,
      subscription_metadata: record(subscriptionData?.metadata),
    };
    this.sessions.set(id, session);
    return { status: 200, body: this.presentSession(session, []) };
  }

  private getSession(id: string, expand: string[]): Reply {
    const session = this.sessions.get(id);
    return session ? { status: 200, body: this.presentSession(session, expand) } : noSuch('checkout.session', id);
  }

  private presentSession(session: FakeCheckoutSession, expand: string[]): Record<string, unknown> {
    // What the session was made with is the fake's own bookkeeping, not part of Stripe's object.
    const body: Record<string, unknown> = { ...session };
    delete body.line_items_price;
    delete body.subscription_metadata;
    if (expand.includes('subscription') && session.subscription) body.subscription = this.subscriptions.get(session.subscription) ?? session.subscription;
    if (expand.includes('customer') && session.customer) body.customer = this.customers.get(session.customer) ?? session.customer;
    return body;
  }

  private createPortalSession(params: Params): Reply {
    const customer = text(params.customer);
    if (!customer) return missingParam('customer');
    if (!this.customers.has(customer)) return noSuch('customer', customer);
    const id = newId('bps');
    const portal = { id, customer, return_url: text(params.return_url) ?? '', url: `https://billing.stripe.test/p/session/${id}` };
    this.portalSessions.push(portal);
    return { status: 200, body: { object: 'billing_portal.session', created: Math.floor(Date.now() / 1000), livemode: false, ...portal } };
  }
}

/** An event as Stripe sends it: a snapshot of `object` at the time of the event. */
export function stripeEvent(type: string, object: unknown, created = Math.floor(Date.now() / 1000)): { id: string; type: string; created: number; payload: string } {
  const id = newId('evt');
  const event = {
    id,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created,
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    // A copy: the snapshot must not change with the fake's later state.
    data: { object: JSON.parse(JSON.stringify(object)) as unknown },
  };
  return { id, type, created, payload: JSON.stringify(event) };
}

/** The `Stripe-Signature` header Stripe would send with this body, signed with the SDK's own helper. */
export function stripeSignature(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}
