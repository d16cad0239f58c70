import { LRUCache } from 'lru-cache';
import type { InvalidationBus } from '../../../infra/bus/invalidation-bus.js';
import type { PlanRow } from '../../plans/repository.js';
import type { UserRow } from '../../users/repository.js';

/** What a signed-in request needs to know about its sign-in, as of the last look at the database. */
export interface SessionSnapshot {
  user: UserRow;
  plan: PlanRow | null;
  familyId: string;
  authenticatedAt: Date;
}

/** Invalidation topics: a user's account or plan changed; a sign-in (token family) ended. */
const USER_TOPIC = 'user';
const FAMILY_TOPIC = 'family';

const MAX_ENTRIES = 20_000;
// A ceiling on staleness for changes made outside the service (an operator editing a plan row by hand).
const MAX_AGE_MS = 5 * 60 * 1000;

/**
 * Live sign-ins, kept in this process so the signed-in hot path needs no query. Exact: every change
 * to a user or sign-in is published on the invalidation bus after its commit, and each process drops
 * what it heard of. While the bus cannot vouch for that (Redis away), the cache is bypassed.
 */
export class SessionCache {
  private readonly familiesByUser = new Map<number, Set<string>>();
  private readonly entries = new LRUCache<string, SessionSnapshot>({
    max: MAX_ENTRIES,
    ttl: MAX_AGE_MS,
    // Keeps the by-user index as small as the cache, whatever leaves it.
    dispose: (snapshot, familyId) => this.unindex(snapshot.user.id, familyId),
  });
  /** Bumped by every invalidation: a look-up that started before one must not store what it read. */
  private epoch = 0;

  constructor(private readonly bus: InvalidationBus) {
    bus.subscribe((topic, id) => {
      if (topic === USER_TOPIC) this.dropUser(Number(id));
      else if (topic === FAMILY_TOPIC) this.dropFamily(id);
    });
    bus.onLivenessChange(() => this.clear());
  }

  /** The cached sign-in of this family, when it may be trusted. */
  private get(familyId: string, userId: number): SessionSnapshot | undefined {
    if (!this.bus.isLive()) return undefined;
    const entry = this.entries.get(familyId);
    return entry?.user.id === userId ? entry : undefined;
  }

  /**
   * Reads through the cache: `load` runs when the entry is missing, and what it found is kept only
   * if no invalidation arrived meanwhile (it might have read the row just before that change).
   */
  async getOrLoad(familyId: string, userId: number, load: () => Promise<SessionSnapshot | undefined>): Promise<SessionSnapshot | undefined> {
    const cached = this.get(familyId, userId);
    if (cached) return cached;
    const epoch = this.epoch;
    const loaded = await load();
    if (loaded && epoch === this.epoch && this.bus.isLive()) this.store(loaded);
    return loaded;
  }

  private store(snapshot: SessionSnapshot): void {
    this.entries.set(snapshot.familyId, snapshot);
    let families = this.familiesByUser.get(snapshot.user.id);
    if (!families) {
      families = new Set();
      this.familiesByUser.set(snapshot.user.id, families);
    }
    families.add(snapshot.familyId);
  }

  /** Call after the commit that changed the user's account, plan or password. */
  invalidateUser(userId: number): Promise<void> {
    return this.bus.publish(USER_TOPIC, String(userId));
  }

  /** Call after the commit that ended a sign-in. */
  invalidateFamily(familyId: string): Promise<void> {
    return this.bus.publish(FAMILY_TOPIC, familyId);
  }

  private unindex(userId: number, familyId: string): void {
    const families = this.familiesByUser.get(userId);
    families?.delete(familyId);
    if (families?.size === 0) this.familiesByUser.delete(userId);
  }

  private dropUser(userId: number): void {
    this.epoch++;
    for (const familyId of [...(this.familiesByUser.get(userId) ?? [])]) this.entries.delete(familyId);
  }

  private dropFamily(familyId: string): void {
    this.epoch++;
    this.entries.delete(familyId);
  }

  private clear(): void {
    this.epoch++;
    this.entries.clear();
  }
}
