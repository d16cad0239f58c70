import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/app.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Where the upstream's web client is served from in development, and the API's default CORS origin. */
export const WEB_CLIENT_ORIGIN = 'http://localhost:3000';

/**
 * Calls the app the way the upstream's web client does from a browser: from its origin, with
 * credentials (a cookie jar), `Content-Type: application/json` on every call (GETs included), and
 * X-CSRFToken copied from the csrftoken cookie on unsafe methods.
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: App,
    private readonly options: { sendCsrfHeader: boolean } = { sendCsrfHeader: true },
  ) {}

  async request(method: Method, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const outgoing: Record<string, string> = { origin: WEB_CLIENT_ORIGIN, 'content-type': 'application/json', ...headers };
    if (this.cookies.size > 0) outgoing.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const csrf = this.cookies.get('csrftoken');
    if (this.options.sendCsrfHeader && method !== 'GET' && csrf) outgoing['x-csrftoken'] = csrf;
    const response = await this.app.inject({ method, url, headers: outgoing, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
    for (const cookie of response.cookies) {
      const expired = cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now());
      if (expired || cookie.value === '') this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  get(url: string) {
    return this.request('GET', url);
  }

  post(url: string, body: unknown = {}) {
    return this.request('POST', url, body);
  }

  patch(url: string, body: unknown) {
    return this.request('PATCH', url, body);
  }

  /** Signs a new person up as the client does (CSRF cookie first); fails loudly if that does not work. */
  async signUp(person: { username: string; email: string; password: string }): Promise<void> {
    await this.get('/auth/csrf-token/');
    const response = await this.post('/auth/registration/', {
      username: person.username,
      email: person.email,
      password1: person.password,
      password2: person.password,
    });
    if (response.statusCode !== 201) throw new Error(`sign-up failed: ${response.statusCode} ${response.body}`);
  }
}

let counter = 0;

/** A person who can sign up: unique names, an address at a real-looking domain, a strong password. */
export function newPerson(prefix = 'person') {
  counter += 1;
  const username = `${prefix}${counter}${Math.random().toString(36).slice(2, 6)}`;
  return { username, email: `${username}@example.org`, password: `Lantern-${counter}-quartz-meadow` };
}

/** Registers through the API and returns the bearer access token with the person. */
export async function registerPerson(app: App, prefix?: string) {
  const person = newPerson(prefix);
  const response = await app.inject({
    method: 'POST',
    url: '/auth/registration/',
    payload: { username: person.username, email: person.email, password1: person.password, password2: person.password },
  });
  if (response.statusCode !== 201) throw new Error(`registration failed: ${response.statusCode} ${response.body}`);
  const body = response.json<{ access: string; refresh: string; user: { pk: number } }>();
  return { ...person, id: body.user.pk, access: body.access, refresh: body.refresh, auth: { authorization: `Bearer ${body.access}` } };
}
