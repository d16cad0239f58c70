import { ValidationError } from '../../../http/errors.js';
import type { Database } from '../../../infra/db/database.js';
import type { UserService } from '../../users/service.js';
import type { SessionService, SignedIn } from '../sessions/service.js';
import { findSocialAccount, insertSocialAccount } from './repository.js';
import type { GoogleIdentity, GoogleVerifier } from './verifier.js';

export interface GoogleSignInDependencies {
  database: Database;
  verifier: GoogleVerifier;
  users: UserService;
  sessions: SessionService;
}

/** Sign-in with a Google ID token. */
export class GoogleSignIn {
  constructor(private readonly dependencies: GoogleSignInDependencies) {}

  /** Verifies the token, then signs in the linked account, else the account with that verified e-mail, else a new one. */
  async signIn(idToken: string): Promise<SignedIn> {
    return this.signInAs(await this.dependencies.verifier.verify(idToken));
  }

  private async signInAs(identity: GoogleIdentity): Promise<SignedIn> {
    const { database, users, sessions } = this.dependencies;
    return database.db.transaction(async (tx) => {
      const linked = await findSocialAccount(tx, 'google', identity.subject);
      let user = linked ? await users.findById(linked.userId, tx) : undefined;
      if (!user) {
        if (!identity.emailVerified) throw ValidationError.field('non_field_errors', 'The Google account has no verified e-mail address.');
        user =
          (await users.findByEmail(identity.email, tx)) ??
          (await users.createAccount(tx, {
            username: await users.freeUsername(tx, identity.email.split('@')[0] ?? 'user'),
            email: identity.email,
            passwordHash: null,
            firstName: identity.givenName ?? '',
            lastName: identity.familyName ?? '',
          }));
        await insertSocialAccount(tx, { provider: 'google', subject: identity.subject, userId: user.id, email: user.email });
      }
      if (!user.isActive) throw ValidationError.field('non_field_errors', 'User account is disabled.');
      return { user, tokens: await sessions.start(tx, user) };
    });
  }
}
