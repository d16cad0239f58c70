import { createHash, randomUUID } from 'node:crypto';
import { TokenError, createSigner, createVerifier } from 'fast-jwt';
import { AppError } from '../../../http/errors.js';

/** Lifetimes of the upstream's settings: access 45 minutes, refresh 7 days. */
export const ACCESS_TOKEN_SECONDS = 45 * 60;
export const REFRESH_TOKEN_SECONDS = 7 * 24 * 60 * 60;

const ALGORITHM = 'HS256';
const ISSUER = 'cvimprover';
/** Verified tokens remembered (the same token is presented on every poll); never beyond their expiry. */
const VERIFIED_CACHE_SIZE = 10_000;

export type TokenType = 'access' | 'refresh';

export interface TokenClaims {
  userId: number;
  familyId: string;
  jti: string;
  type: TokenType;
  expiresAt: Date;
}

export interface IssuedToken {
  token: string;
  jti: string;
  expiresAt: Date;
}

interface Payload {
  sub?: unknown;
  token_type?: unknown;
  fam?: unknown;
  jti?: unknown;
  exp?: unknown;
}

/**
 * Signs and verifies the service's JWTs, synchronously (HMAC in this thread, no crypto job queued
 * per request). The algorithm is pinned: `none` and any other are refused.
 */
export class TokenSigner {
  private readonly sign: (payload: Record<string, unknown>) => string;
  private readonly check: (token: string) => Payload;

  constructor(secretKey: string) {
    // A key derived for this one purpose, so SECRET_KEY can sign other things without confusion.
    const key = createHash('sha256').update(`cvimprover:jwt:${secretKey}`).digest();
    this.sign = createSigner({ key, algorithm: ALGORITHM, iss: ISSUER });
    this.check = createVerifier({ key, algorithms: [ALGORITHM], allowedIss: ISSUER, cache: VERIFIED_CACHE_SIZE });
  }

  issue(type: TokenType, userId: number, familyId: string, now = new Date()): IssuedToken {
    const jti = randomUUID();
    const lifetime = type === 'access' ? ACCESS_TOKEN_SECONDS : REFRESH_TOKEN_SECONDS;
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = new Date((issuedAt + lifetime) * 1000);
    const token = this.sign({ token_type: type, fam: familyId, sub: String(userId), jti, iat: issuedAt, exp: issuedAt + lifetime });
    return { token, jti, expiresAt };
  }

  /** Verifies a token of the expected type; any problem is a 401 token_not_valid. */
  verify(token: string, expected: TokenType): TokenClaims {
    let payload: Payload;
    try {
      payload = this.check(token);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw new AppError('token_not_valid', error.code === TokenError.codes.expired ? 'Token is expired.' : 'Token is invalid.');
    }
    const userId = Number(payload.sub);
    if (payload.token_type !== expected) {
      throw new AppError('token_not_valid', `Token has wrong type: expected ${expected === 'access' ? 'an access' : 'a refresh'} token.`);
    }
    if (!Number.isSafeInteger(userId) || typeof payload.fam !== 'string' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') {
      throw new AppError('token_not_valid', 'Token is invalid.');
    }
    return { userId, familyId: payload.fam, jti: payload.jti, type: expected, expiresAt: new Date(payload.exp * 1000) };
  }

  /** The claims of a valid token of the expected type, or undefined for any token that is not one. */
  verifyIfValid(token: string, expected: TokenType): TokenClaims | undefined {
    try {
      return this.verify(token, expected);
    } catch (error) {
      if (error instanceof AppError) return undefined;
      throw error;
    }
  }
}
