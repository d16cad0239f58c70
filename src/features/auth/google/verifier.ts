import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { AppError, ValidationError } from '../../../http/errors.js';

export interface GoogleIdentity {
  subject: string;
  email: string;
  emailVerified: boolean;
  givenName?: string;
  familyName?: string;
}

const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

/** Verifies Google ID tokens: signature against Google's published keys (cached), issuer, audience, expiry. */
export class GoogleVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(
    jwksUrl: string,
    private readonly clientId: string | undefined,
  ) {
    this.keys = clientId ? createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 }) : undefined;
  }

  async verify(idToken: string): Promise<GoogleIdentity> {
    if (!this.keys || !this.clientId) throw new AppError('service_unavailable', 'Google sign-in is not configured.');
    let payload;
    try {
      ({ payload } = await jwtVerify(idToken, this.keys, { issuer: GOOGLE_ISSUERS, audience: this.clientId, algorithms: ['RS256'] }));
    } catch (error) {
      // Google's keys could not be fetched: the token may be fine, the service is what failed.
      if (error instanceof joseErrors.JWKSTimeout || !(error instanceof joseErrors.JOSEError)) {
        throw new AppError('service_unavailable', 'Google sign-in is unavailable right now; try again shortly.', { cause: error });
      }
      throw ValidationError.field('non_field_errors', 'Invalid Google ID token.');
    }
    if (typeof payload.sub !== 'string' || typeof payload.email !== 'string') {
      throw ValidationError.field('non_field_errors', 'The Google ID token carries no e-mail address.');
    }
    return {
      subject: payload.sub,
      email: payload.email,
      emailVerified: payload.email_verified === true || payload.email_verified === 'true',
      ...(typeof payload.given_name === 'string' ? { givenName: payload.given_name } : {}),
      ...(typeof payload.family_name === 'string' ? { familyName: payload.family_name } : {}),
    };
  }
}
