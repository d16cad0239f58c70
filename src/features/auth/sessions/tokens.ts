import { createHash, randomUUID, webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { AppError } from '../../../http/errors.js';

/** Lifetimes of the upstream's settings: access 45 minutes, refresh 7 days. */
export const ACCESS_TOKEN_SECONDS = 45 * 60;
export const REFRESH_TOKEN_SECONDS = 7 * 24 * 60 * 60;

const ALGORITHM = 'HS256';
const ISSUER = 'cvimprover';

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

/** Signs and verifies the service's JWTs. The algorithm is pinned: `none` and any other are refused. */
export class TokenSigner {
  /** Imported once: importing a raw key on every verification costs more than the verification. */
  private readonly key: Promise<webcrypto.CryptoKey>;

  constructor(secretKey: string) {
    // A key derived for this one purpose, so SECRET_KEY can sign other things without confusion.
    const raw = createHash('sha256').update(`cvimprover:jwt:${secretKey}`).digest();
    this.key = webcrypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  async issue(type: TokenType, userId: number, familyId: string, now = new Date()): Promise<IssuedToken> {
    const jti = randomUUID();
    const lifetime = type === 'access' ? ACCESS_TOKEN_SECONDS : REFRESH_TOKEN_SECONDS;
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = new Date((issuedAt + lifetime) * 1000);
    const token = await new SignJWT({ token_type: type, fam: familyId })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(String(userId))
      .setJti(jti)
      .setIssuedAt(issuedAt)
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(await this.key);
    return { token, jti, expiresAt };
  }

  /** Verifies a token of the expected type; any problem is a 401 token_not_valid. */
  async verify(token: string, expected: TokenType): Promise<TokenClaims> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await this.key, { algorithms: [ALGORITHM], issuer: ISSUER }));
    } catch (error) {
      const detail = error instanceof joseErrors.JWTExpired ? 'Token is expired.' : 'Token is invalid.';
      throw new AppError('token_not_valid', detail);
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
  async verifyIfValid(token: string, expected: TokenType): Promise<TokenClaims | undefined> {
    try {
      return await this.verify(token, expected);
    } catch (error) {
      if (error instanceof AppError) return undefined;
      throw error;
    }
  }
}
