import { AppError, ValidationError } from '../../../http/errors.js';
import type { Database, DbOrTx } from '../../../infra/db/database.js';
import { hashPassword, verifyPassword } from '../../users/password-hashing.js';
import type { UserRow } from '../../users/repository.js';
import type { SignUp, UserService } from '../../users/service.js';
import { LoginThrottle } from './login-throttle.js';
import {
  consumeRefreshToken,
  findActiveSession,
  insertRefreshToken,
  insertTokenFamily,
  revokeFamily,
  revokeUserFamilies,
  type ActiveSession,
} from './repository.js';
import type { SessionCache, SessionSnapshot } from './session-cache.js';
import type { TokenSigner } from './tokens.js';

export interface SessionTokens {
  access: string;
  refresh: string;
  accessExpiration: Date;
  refreshExpiration: Date;
}

export interface SignedIn {
  user: UserRow;
  tokens: SessionTokens;
}

const LOGIN_FAILED = 'Unable to log in with provided credentials.';

function snapshotOf(session: ActiveSession): SessionSnapshot {
  return { user: session.user, plan: session.plan, familyId: session.family.id, authenticatedAt: session.family.authenticatedAt };
}

export interface SessionServiceDependencies {
  database: Database;
  users: UserService;
  signer: TokenSigner;
  cache: SessionCache;
  /** Signs the login throttle's keys. */
  secretKey: string;
}

/**
 * Sign-ins: sign-up, login, refresh-token rotation, logout, and the look-up of the sign-in behind
 * every authenticated request. Each sign-in is a token family; revoking it ends all its tokens.
 */
export class SessionService {
  private readonly throttle: LoginThrottle;

  constructor(private readonly dependencies: SessionServiceDependencies) {
    this.throttle = new LoginThrottle(dependencies.database.db, dependencies.secretKey);
  }

  private get db() {
    return this.dependencies.database.db;
  }

  /** The live sign-in behind a verified token, from this process's cache when it can be trusted. */
  lookUp(familyId: string, userId: number): Promise<SessionSnapshot | undefined> {
    return this.dependencies.cache.getOrLoad(familyId, userId, async () => {
      const session = await findActiveSession(this.db, familyId, userId);
      return session ? snapshotOf(session) : undefined;
    });
  }

  /** Issues an access and refresh token pair in a family (a new family for a new sign-in). */
  private async issueTokens(db: DbOrTx, userId: number, familyId: string): Promise<SessionTokens> {
    const { signer } = this.dependencies;
    const access = signer.issue('access', userId, familyId);
    const refresh = signer.issue('refresh', userId, familyId);
    await insertRefreshToken(db, { jti: refresh.jti, familyId, expiresAt: refresh.expiresAt });
    return { access: access.token, refresh: refresh.token, accessExpiration: access.expiresAt, refreshExpiration: refresh.expiresAt };
  }

  /** Starts a new sign-in (token family) for a person who just proved who they are. */
  async start(db: DbOrTx, user: UserRow): Promise<SessionTokens> {
    const family = await insertTokenFamily(db, user.id);
    await this.dependencies.users.recordLogin(db, user.id);
    return this.issueTokens(db, user.id, family.id);
  }

  /** Creates an account (the rules are the users feature's) and signs it in. */
  async register(input: SignUp): Promise<SignedIn> {
    const { users } = this.dependencies;
    const account = await users.checkSignUp(input);
    const passwordHash = await hashPassword(account.password);
    return this.db.transaction(async (tx) => {
      const user = await users.createAccount(tx, { username: account.username, email: account.email, passwordHash });
      return { user, tokens: await this.start(tx, user) };
    });
  }

  async login(identifier: string, password: string, address: string): Promise<SignedIn> {
    const user = await this.dependencies.users.findByLogin(identifier);
    const admission = await this.throttle.admit(user ? { userId: user.id } : { unknownName: identifier }, address);
    const valid = await verifyPassword(user?.passwordHash, password);
    if (!user || !valid) throw ValidationError.field('non_field_errors', LOGIN_FAILED);
    if (!user.isActive) throw ValidationError.field('non_field_errors', 'User account is disabled.');
    await this.throttle.succeeded(admission);
    return { user, tokens: await this.db.transaction((tx) => this.start(tx, user)) };
  }

  /** Rotates a refresh token. Presenting one that was already rotated ends the whole sign-in. */
  async refresh(refreshToken: string): Promise<SignedIn> {
    const claims = this.dependencies.signer.verify(refreshToken, 'refresh');
    const result = await this.db.transaction(async (tx) => {
      const use = await consumeRefreshToken(tx, claims.jti);
      if (use === 'reused') {
        await revokeFamily(tx, claims.familyId, 'refresh_reuse');
        return undefined;
      }
      const session = use === 'fresh' ? await findActiveSession(tx, claims.familyId, claims.userId) : undefined;
      if (!session) throw new AppError('token_not_valid', 'Token is invalid or has been revoked.');
      return { user: session.user, tokens: await this.issueTokens(tx, session.user.id, claims.familyId) };
    });
    if (!result) {
      // Thrown after the commit, so the revocation is kept.
      await this.dependencies.cache.invalidateFamily(claims.familyId);
      throw new AppError('token_not_valid', 'Token has already been used; this sign-in has been ended.');
    }
    return result;
  }

  /** Accepts a live access or refresh token; anything else is a 401. */
  async verifyToken(token: string): Promise<void> {
    const { signer } = this.dependencies;
    const claims = signer.verifyIfValid(token, 'access') ?? signer.verify(token, 'refresh');
    if (!(await this.lookUp(claims.familyId, claims.userId))) throw new AppError('token_not_valid', 'Token has been revoked.');
  }

  /** Ends a sign-in, named by the caller's access token or by a refresh token. */
  async logout(familyId: string | undefined, refreshToken: string | undefined): Promise<void> {
    const families = new Set<string>();
    if (familyId) families.add(familyId);
    const claims = refreshToken ? this.dependencies.signer.verifyIfValid(refreshToken, 'refresh') : undefined;
    if (claims) families.add(claims.familyId);
    for (const family of families) {
      await revokeFamily(this.db, family, 'logout');
      await this.dependencies.cache.invalidateFamily(family);
    }
  }

  /**
   * Part of a password change: ends every sign-in of the user but `keepFamilyId`. The caller owns
   * the transaction and announces the change (UserService.changed) after its commit.
   */
  endOtherSignIns(tx: DbOrTx, userId: number, reason: string, keepFamilyId?: string): Promise<void> {
    return revokeUserFamilies(tx, userId, reason, keepFamilyId);
  }
}
