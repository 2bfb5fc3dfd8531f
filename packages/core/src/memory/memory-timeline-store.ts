import { FeedError } from "../errors/feed-error.js";
import { compareIds, maxId, type PostId, type UserId } from "../ids/id.js";
import type { TimelineSlice, TimelineStore, TimelineStoreCapabilities } from "../ports/timeline-store.js";
import { partitionPoint } from "./partition-point.js";

/** Options for {@link MemoryTimelineStore}. */
export interface MemoryTimelineStoreOptions {
  /** The most entries one timeline holds (an integer >= 1). Default 800. */
  cap?: number;
}

/** One materialized timeline: entry ids newest first, all above `floor`. */
interface Timeline {
  ids: PostId[];
  floor: PostId;
  complete: boolean;
}

/** Newest first: a negative result puts `a` before `b`. */
const newestFirst = (a: PostId, b: PostId): number => compareIds(b, a);

/**
 * Timelines in process memory: the embedded default and the reference for the other adapters.
 *
 * Each timeline is one array of id strings (newest first), a floor and a completeness flag; there is no object per
 * entry. Whenever a timeline grows past the cap, its oldest entries are dropped and the floor rises to the largest of
 * them, so the timeline always holds every entry above its floor.
 */
export class MemoryTimelineStore implements TimelineStore {
  /** The most entries one timeline holds. */
  readonly cap: number;
  /** Every step on one timeline is synchronous, so insert, dedupe and trim are atomic. */
  readonly capabilities: TimelineStoreCapabilities = { atomicTrim: true, expires: false };
  readonly #timelines = new Map<UserId, Timeline>();

  constructor(options: MemoryTimelineStoreOptions = {}) {
    const cap = options.cap ?? 800;
    if (!Number.isInteger(cap) || cap < 1) {
      throw new FeedError("VALIDATION", `cap must be an integer >= 1 (got ${String(cap)})`, { field: "cap" });
    }
    this.cap = cap;
  }

  /** Creates an empty, incomplete timeline with floor "0" unless the user already has one. */
  async prepare(userId: UserId): Promise<void> {
    if (!this.#timelines.has(userId)) this.#timelines.set(userId, { ids: [], floor: "0", complete: false });
  }

  /**
   * Adds `ids` to what is there (creating the timeline if absent), raises the floor to `floor` (a floor already
   * higher, e.g. from trimming while the rebuild ran, stays), drops entries at or below it, trims to the cap and marks
   * the timeline complete.
   */
  async fill(userId: UserId, ids: readonly PostId[], floor: PostId): Promise<void> {
    const existing = this.#timelines.get(userId);
    const kept = existing !== undefined && compareIds(existing.floor, floor) > 0 ? existing.floor : floor;
    const timeline: Timeline = { ids: existing?.ids ?? [], floor: kept, complete: true };
    this.#union(timeline, ids);
    this.#timelines.set(userId, timeline);
  }

  /**
   * Inserts `postId` into every listed timeline that exists (complete or prepared) and holds it above its floor.
   * Idempotent. Returns how many of these timelines hold the entry after the call: ones that already had it count,
   * absent ones and ones where it is at or below the floor (or was trimmed away at once) do not.
   */
  async push(userIds: readonly UserId[], postId: PostId): Promise<number> {
    let holding = 0;
    for (const userId of new Set(userIds)) {
      const timeline = this.#timelines.get(userId);
      if (timeline === undefined || compareIds(postId, timeline.floor) <= 0) continue;
      const { ids } = timeline;
      const at = insertionPoint(ids, postId);
      if (ids[at] !== postId) {
        if (ids.length >= this.cap && at === ids.length) {
          // Full and older than every entry: it would be trimmed at once, so only the floor moves.
          timeline.floor = postId;
          continue;
        }
        ids.splice(at, 0, postId);
        this.#trim(timeline);
      }
      holding++;
    }
    return holding;
  }

  /** Adds `ids` to an existing timeline, raising its floor to at least `minFloor`; absent timelines stay absent. */
  async merge(userId: UserId, ids: readonly PostId[], minFloor: PostId): Promise<void> {
    const timeline = this.#timelines.get(userId);
    if (timeline === undefined) return;
    if (compareIds(minFloor, timeline.floor) > 0) timeline.floor = minFloor;
    this.#union(timeline, ids);
  }

  /** Entries below `before` (exclusive), newest first, at most `limit`, and the floor; `null` unless complete. */
  async read(userId: UserId, range: { before?: PostId; limit: number }): Promise<TimelineSlice | null> {
    const timeline = this.#timelines.get(userId);
    if (timeline === undefined || !timeline.complete) return null;
    const { ids } = timeline;
    const start = range.before === undefined ? 0 : firstBelow(ids, range.before);
    const limit = Math.max(0, Math.floor(range.limit));
    return { ids: ids.slice(start, start + limit), floor: timeline.floor };
  }

  /** Removes these entries from one timeline; the floor stays where it is. */
  async remove(userId: UserId, postIds: readonly PostId[]): Promise<void> {
    const timeline = this.#timelines.get(userId);
    if (timeline === undefined || postIds.length === 0) return;
    const gone = new Set(postIds);
    timeline.ids = timeline.ids.filter((id) => !gone.has(id));
  }

  /** Removes one entry from each listed timeline that has it. */
  async removeFromMany(userIds: readonly UserId[], postId: PostId): Promise<void> {
    for (const userId of userIds) {
      const timeline = this.#timelines.get(userId);
      if (timeline === undefined) continue;
      const at = insertionPoint(timeline.ids, postId);
      if (timeline.ids[at] === postId) timeline.ids.splice(at, 1);
    }
  }

  /** Forgets a timeline; the next read returns `null`. */
  async drop(userId: UserId): Promise<void> {
    this.#timelines.delete(userId);
  }

  /** How many timelines exist (complete or prepared) and how many entries they hold in all; for reports. */
  stats(): { timelines: number; entries: number } {
    let entries = 0;
    for (const timeline of this.#timelines.values()) entries += timeline.ids.length;
    return { timelines: this.#timelines.size, entries };
  }

  /** Merges `ids` into the timeline: dedupes, drops entries at or below the floor, sorts and trims. */
  #union(timeline: Timeline, ids: readonly PostId[]): void {
    const { floor } = timeline;
    const above = (id: PostId) => compareIds(id, floor) > 0;
    const merged = [...new Set([...timeline.ids, ...ids])].filter(above).sort(newestFirst);
    timeline.ids = merged;
    this.#trim(timeline);
  }

  /** Drops the oldest entries past the cap and raises the floor to the largest of them. */
  #trim(timeline: Timeline): void {
    const { ids } = timeline;
    if (ids.length <= this.cap) return;
    timeline.floor = maxId(timeline.floor, ids[this.cap]!);
    ids.length = this.cap;
  }
}

/** The index in newest-first `ids` where `id` is, or where it would go. */
function insertionPoint(ids: readonly PostId[], id: PostId): number {
  return partitionPoint(ids, (x) => compareIds(x, id) > 0);
}

/** The index of the first entry of newest-first `ids` strictly below `before`. */
function firstBelow(ids: readonly PostId[], before: PostId): number {
  return partitionPoint(ids, (x) => compareIds(x, before) >= 0);
}
