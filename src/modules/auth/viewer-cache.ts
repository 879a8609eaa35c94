import type { Viewer } from './viewer';

/**
 * Bumped after every mutation (see auditMutations), whatever it changed:
 * roles, tokens, users, or classes a teacher teaches. A cached Viewer
 * looked up before the latest bump is never served again.
 */
let generation = 0;

export function invalidateViewers(): void {
  generation += 1;
}

type Entry = { viewer: Viewer; expiresAt: number | null; storedAt: number; generation: number };

/**
 * Viewers by token hash, for a short time. Resolving a token is a statement
 * of its own (token, user, client and roles); under load it is a large share
 * of a small read (npm run bench, scenario 1). In this process a mutation
 * takes effect on the next request, as without the cache; a change made
 * elsewhere (another instance, the token CLI, SQL) within `ttlMs`.
 * Only successful lookups are kept: an unknown, revoked or expired token
 * is looked up on every request.
 */
export class ViewerCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The generation to pass to `set` for a lookup that starts now. */
  begin(): number {
    return generation;
  }

  get(tokenHash: string): Viewer | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.generation !== generation || now - entry.storedAt >= this.ttlMs || (entry.expiresAt !== null && entry.expiresAt <= now)) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry.viewer;
  }

  /** `lookupGeneration`: from `begin()` before the lookup, so a mutation committed meanwhile discards it. */
  set(tokenHash: string, viewer: Viewer, expiresAt: number | null, lookupGeneration: number): void {
    if (this.ttlMs <= 0 || lookupGeneration !== generation) return;
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(tokenHash, { viewer, expiresAt, storedAt: this.now(), generation: lookupGeneration });
  }
}
