import type { UserId } from "@feed-engine/core";

/**
 * A reader's followee list as of one `following_version` (migration 006), and the pulled authors among them as of that
 * and one version of the pulled authors (migration 007).
 */
export interface CachedFollowees {
  version: string;
  ids: readonly UserId[];
  pulledVersion: string;
  pulled: readonly UserId[];
}

/** What an entry counts against the bound: its ids and pulled ids, and one for the entry itself (so empty lists count). */
const weight = (entry: CachedFollowees): number => entry.ids.length + entry.pulled.length + 1;

/**
 * Followee lists by reader, least recently used first out, bounded by the ids held summed over readers (about 50
 * bytes each on V8: the string and its array slot; an entry counts one more). A list larger than the bound is not
 * kept. Entries are never stale by themselves: each read sends the cached versions and gets a list again when its
 * version differs.
 */
export class FolloweeCache {
  readonly #maxIds: number;
  readonly #entries = new Map<UserId, CachedFollowees>();
  #weight = 0;

  constructor(maxIds: number) {
    this.#maxIds = maxIds;
  }

  /** What the cache holds against its bound: ids summed over readers, plus one per reader. */
  get weight(): number {
    return this.#weight;
  }

  get(readerId: UserId): CachedFollowees | undefined {
    const entry = this.#entries.get(readerId);
    if (entry !== undefined) {
      // Most recently used last: Map iterates in insertion order.
      this.#entries.delete(readerId);
      this.#entries.set(readerId, entry);
    }
    return entry;
  }

  set(readerId: UserId, entry: CachedFollowees): void {
    this.delete(readerId);
    if (weight(entry) > this.#maxIds) return;
    this.#entries.set(readerId, entry);
    this.#weight += weight(entry);
    for (const [oldest, old] of this.#entries) {
      if (this.#weight <= this.#maxIds) break;
      this.#entries.delete(oldest);
      this.#weight -= weight(old);
    }
  }

  delete(readerId: UserId): void {
    const entry = this.#entries.get(readerId);
    if (entry === undefined) return;
    this.#entries.delete(readerId);
    this.#weight -= weight(entry);
  }
}
