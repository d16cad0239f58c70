import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../http/errors.js';
import { CSRF_COOKIE, CSRF_HEADER } from './cookies.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const TOKEN = /^[A-Za-z0-9_-]{32,64}$/;

export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The caller's current CSRF cookie, when it is well-formed. */
export function csrfCookieOf(request: FastifyRequest): string | undefined {
  const value = request.cookies[CSRF_COOKIE];
  return value && TOKEN.test(value) ? value : undefined;
}

/**
 * Double-submit check for requests a browser authenticates with cookies: the X-CSRFToken header
 * must equal the csrftoken cookie, which another site can neither read nor set.
 */
export function assertCsrf(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  const cookie = csrfCookieOf(request);
  if (!cookie) throw new AppError('csrf_failed', 'CSRF Failed: CSRF cookie not set.');
  const header = request.headers[CSRF_HEADER];
  if (typeof header !== 'string' || header.length === 0) throw new AppError('csrf_failed', 'CSRF Failed: CSRF token missing.');
  const given = Buffer.from(header);
  const expected = Buffer.from(cookie);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError('csrf_failed', 'CSRF Failed: CSRF token incorrect.');
  }
}
