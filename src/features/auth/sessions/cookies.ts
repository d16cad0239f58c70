import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS } from './tokens.js';

export const ACCESS_COOKIE = 'access-token';
export const REFRESH_COOKIE = 'refresh-token';
export const CSRF_COOKIE = 'csrftoken';
export const CSRF_HEADER = 'x-csrftoken';

const CSRF_COOKIE_SECONDS = 365 * 24 * 60 * 60;

function secure(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

/** The two token cookies: HttpOnly, so scripts (and injected scripts) never see the tokens. */
export function setTokenCookies(request: FastifyRequest, reply: FastifyReply, tokens: { access: string; refresh: string }): void {
  const common = { httpOnly: true, sameSite: 'lax' as const, secure: secure(request), path: '/' };
  reply.setCookie(ACCESS_COOKIE, tokens.access, { ...common, maxAge: ACCESS_TOKEN_SECONDS });
  reply.setCookie(REFRESH_COOKIE, tokens.refresh, { ...common, maxAge: REFRESH_TOKEN_SECONDS });
}

export function clearTokenCookies(request: FastifyRequest, reply: FastifyReply): void {
  const common = { httpOnly: true, sameSite: 'lax' as const, secure: secure(request), path: '/' };
  reply.clearCookie(ACCESS_COOKIE, common);
  reply.clearCookie(REFRESH_COOKIE, common);
}

/** The CSRF cookie is readable by scripts on purpose: the web client copies it into X-CSRFToken. */
export function setCsrfCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(CSRF_COOKIE, token, { httpOnly: false, sameSite: 'lax', secure: secure(request), path: '/', maxAge: CSRF_COOKIE_SECONDS });
}
