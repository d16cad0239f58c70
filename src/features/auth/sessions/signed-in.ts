import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserService } from '../../users/service.js';
import { setTokenCookies } from './cookies.js';
import type { SessionTokens, SignedIn } from './service.js';

/** The token part of a sign-in answer, in the upstream's field names. */
export function tokenPair(tokens: SessionTokens) {
  return {
    access: tokens.access,
    refresh: tokens.refresh,
    access_expiration: tokens.accessExpiration.toISOString(),
    refresh_expiration: tokens.refreshExpiration.toISOString(),
  };
}

/** Answers a sign-in of any kind: the tokens as HttpOnly cookies and in the body, with the user. */
export async function answerSignedIn(request: FastifyRequest, reply: FastifyReply, users: UserService, result: SignedIn) {
  setTokenCookies(request, reply, result.tokens);
  return { ...tokenPair(result.tokens), user: await users.present(result.user) };
}
