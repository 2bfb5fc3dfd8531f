import type { Clock } from "../clock/clock.js";
import type { TimelinePage } from "../domain/types.js";
import type { FeedStores } from "../engine/options.js";
import type { FanoutPolicy } from "../fanout/fanout-policy.js";
import { compareIds, nextId, type PostId, type UserId } from "../ids/id.js";
import type { HomeContextPage } from "../ports/home-context-store.js";
import type { HydratedPost } from "../ports/post-store.js";
import type { TimelineSlice } from "../ports/timeline-store.js";
import { CandidateMerger, type CandidateSource } from "./candidate-merger.js";
import { firstCandidates } from "./first-candidates.js";
import { type CollectOptions, collectPage } from "./page-collector.js";

/** What a read knows of its reader before it merges: all of it from a `homeContext` store, the first two otherwise. */
interface ReaderContext {
  followees: readonly UserId[];
  blocked?: UserId[];
  pulled?: readonly UserId[];
  recent?: PostId[];
  hydrated?: Map<PostId, HydratedPost>;
}

/** What the home timeline reads from (and the fan-out worker writes to). */
export interface HomeTimelineDeps
  extends Pick<FeedStores, "users" | "posts" | "graph" | "timelines" | "activity" | "homeContext"> {
  policy: FanoutPolicy;
  clock: Clock;
  /** A read skips recording the reader's last-seen time when the stored one is younger than this. Default 0. */
  lastSeenResolutionMs?: number;
}

/**
 * Reads home timelines: the reader's materialized entries, merged with the recent posts of the pulled authors they
 * follow and their own (read-your-writes), and, below the timeline's floor, with the source of truth — then filtered
 * by the definition. Cold timelines (absent, expired, or of a reader who was away while fan-out skipped them) are
 * rebuilt first.
 */
export class HomeTimeline {
  readonly #d: HomeTimelineDeps;
  /**
   * A read's sources (followees and the reader) as a set and a list, by the followee array they were made from: a
   * store that caches followee lists hands the same array to every read while the list is unchanged, and the heaviest
   * readers' 1,205-id sets are then built once, not on every read. Arrays are never changed once returned.
   */
  readonly #sources = new WeakMap<readonly UserId[], { readerId: UserId; set: Set<UserId>; list: UserId[] }>();

  constructor(deps: HomeTimelineDeps) {
    this.#d = deps;
  }

  /**
   * One page of `readerId`'s home timeline below `before`. The caller has validated the input; `checkReader` rejects
   * when the reader does not exist, and is awaited with the first reads, before anything is written (with a
   * `homeContext` store, only when that store finds no reader).
   */
  async read(
    readerId: UserId,
    before: PostId | undefined,
    limit: number,
    checkReader: () => Promise<unknown> = () => Promise.resolve(),
  ): Promise<TimelinePage> {
    const d = this.#d;
    const now = d.clock.now();
    const firstChunk = limit + 1;
    const materializes = d.timelines.capabilities.materializes ?? true;
    // The timeline is read before it is known whether the reader counts as active; for an inactive reader that slice
    // is discarded and the timeline rebuilt.
    const timelineReads = Promise.all([
      d.activity.lastSeen([readerId]),
      materializes ? d.timelines.read(readerId, { before, limit: firstChunk }) : null,
    ]);
    let context: ReaderContext;
    let lastSeen: number | undefined;
    let speculative: TimelineSlice | null;
    if (d.homeContext !== undefined) {
      // The timeline's entries go with the context query, which then also hydrates the page's first candidates: one
      // round trip to the source of truth for the whole page.
      [[lastSeen], speculative] = await timelineReads;
      const timeline = d.policy.isInactive(lastSeen, now) ? undefined : (speculative ?? undefined);
      context = await this.#context(readerId, before, firstChunk, checkReader, timeline);
    } else {
      // Everything that depends only on the reader goes out at once.
      [context, [[lastSeen], speculative]] = await Promise.all([
        this.#context(readerId, before, firstChunk, checkReader, undefined),
        timelineReads,
      ]);
    }
    const { blocked } = context;
    const { set: sources, list: sourceList } = this.#sourcesOf(readerId, context.followees);

    let slice: TimelineSlice | null = d.policy.isInactive(lastSeen, now) ? null : speculative;
    if (slice === null && materializes) {
      await this.rebuild(readerId, sourceList);
      slice = await d.timelines.read(readerId, { before, limit: firstChunk });
    }
    const [pulled] = await Promise.all([
      slice === null || context.pulled !== undefined
        ? Promise.resolve(context.pulled ?? [])
        : d.users.pulledAmong(context.followees),
      this.#touch(readerId, lastSeen, now),
    ]);

    const candidates: CandidateSource[] = [];
    let hydrated: CollectOptions["hydrated"];
    if (slice === null) {
      // A pull-only store, or one that would not keep the timeline: serve the page from the source of truth.
      candidates.push(this.#truth(sourceList, undefined));
    } else {
      const floor = slice.floor;
      candidates.push(this.#materialized(readerId, before, slice, firstChunk, sourceList));
      candidates.push(this.#pulled([...pulled, readerId], before, firstChunk, floor, context.recent));
      if (floor !== "0") candidates.push(this.#truth(sourceList, floor));
      if (context.hydrated !== undefined && slice === speculative && context.recent !== undefined) {
        hydrated = { ids: new Set(firstCandidates(slice, context.recent, firstChunk)), posts: context.hydrated };
      }
    }
    const merger = new CandidateMerger(candidates, before, firstChunk);
    return collectPage(merger, {
      kind: "home",
      limit,
      posts: d.posts,
      graph: d.graph,
      viewerId: readerId,
      ...(blocked === undefined ? {} : { blockedIds: new Set(blocked) }),
      sources,
      sourceList,
      replyRule: true,
      ...(hydrated === undefined ? {} : { hydrated }),
    });
  }

  /** The reader and its followees as a set and a list, made once per followee array. */
  #sourcesOf(readerId: UserId, followees: readonly UserId[]): { set: Set<UserId>; list: UserId[] } {
    const known = this.#sources.get(followees);
    if (known !== undefined && known.readerId === readerId) return known;
    const set = new Set<UserId>(followees);
    set.add(readerId);
    const made = { readerId, set, list: [...set] };
    this.#sources.set(followees, made);
    return made;
  }

  /**
   * The reader's followees and blocks, and, from a `homeContext` store, also the pulled authors among the followees,
   * the recent posts of those and the reader's, and (given the reader's timeline slice) the page's first candidates
   * hydrated: one round trip there, three here (reader, followees, blocks).
   */
  async #context(
    readerId: UserId,
    before: PostId | undefined,
    limit: number,
    checkReader: () => Promise<unknown>,
    timeline: TimelineSlice | undefined,
  ): Promise<ReaderContext> {
    const d = this.#d;
    if (d.homeContext !== undefined) {
      const page: HomeContextPage = before === undefined ? { limit } : { before, limit };
      if (timeline !== undefined) page.timeline = timeline;
      const context = await d.homeContext.homeContext(readerId, page);
      if (context !== undefined) return context;
      // No such reader, unless it was created since: then ask the stores one by one.
      await checkReader();
    }
    const [, followees, blocked] = await Promise.all([
      checkReader(),
      d.graph.followeeIds(readerId),
      d.graph.blockedIds?.(readerId),
    ]);
    return blocked === undefined ? { followees } : { followees, blocked };
  }

  /**
   * Records that the reader was here, unless the stored time is already within `lastSeenResolutionMs`: inactivity is
   * measured in days, and skipping the write saves a store round trip on most reads. Fan-out and reads judge
   * inactivity against the same stored value, so the coarser value cannot make them disagree.
   */
  async #touch(readerId: UserId, lastSeen: number | undefined, now: number): Promise<void> {
    const resolution = this.#d.lastSeenResolutionMs ?? 0;
    if (lastSeen !== undefined && now >= lastSeen && now - lastSeen < resolution) return;
    await this.#d.activity.touch(readerId, now);
  }

  /**
   * Rebuilds a materialized timeline from the source of truth. The timeline is prepared first so that pushes
   * arriving during the rebuild land in it; the rebuild then adds the newest `cap` entries and sets the floor.
   */
  async rebuild(readerId: UserId, sourceList?: readonly UserId[]): Promise<void> {
    const d = this.#d;
    const list = sourceList ?? [...(await d.graph.followeeIds(readerId)), readerId];
    await d.timelines.prepare(readerId);
    const cap = d.timelines.cap;
    const ids = await d.posts.byAuthors(list, { limit: cap + 1 });
    const floor = ids.length > cap ? ids[cap]! : "0";
    await d.timelines.fill(readerId, ids.slice(0, cap), floor);
  }

  /**
   * The materialized timeline, starting with the slice already read. If its floor rises while the reader pages
   * (pushes trimmed it meanwhile), the rest of the region above the original floor is read from the source of truth
   * instead, so nothing between the two floors is skipped.
   */
  #materialized(
    readerId: UserId,
    before: PostId | undefined,
    first: TimelineSlice,
    firstLimit: number,
    sourceList: readonly UserId[],
  ): CandidateSource {
    const d = this.#d;
    let pending: TimelineSlice | null = first;
    let fromTruth = false;
    return {
      fetch: async (b, n) => {
        if (pending !== null && b === before && n === firstLimit) {
          const ids = pending.ids;
          pending = null;
          return ids;
        }
        pending = null;
        if (!fromTruth) {
          const slice = await d.timelines.read(readerId, { before: b, limit: n });
          if (slice !== null && slice.floor === first.floor) return slice.ids;
          fromTruth = true;
        }
        return d.posts.byAuthors(sourceList, { before: b, after: first.floor, limit: n });
      },
    };
  }

  /**
   * The recent posts of pulled authors and the reader's own (read-your-writes) above the timeline's floor. The first
   * chunk comes from the context when it was read with it: the newest `firstLimit` below `before`, of which those above
   * the floor are exactly the newest of that range above the floor.
   */
  #pulled(
    authors: readonly UserId[],
    before: PostId | undefined,
    firstLimit: number,
    floor: PostId,
    recent: readonly PostId[] | undefined,
  ): CandidateSource {
    const posts = this.#d.posts;
    let pending = recent;
    return {
      fetch: async (b, n) => {
        if (pending !== undefined && b === before && n === firstLimit) {
          const ids = pending.filter((id) => compareIds(id, floor) > 0);
          pending = undefined;
          return ids;
        }
        pending = undefined;
        return posts.byAuthors(authors, { before: b, after: floor, limit: n });
      },
    };
  }

  /** The source of truth for entries at or below `floor` (or everything when floor is undefined). */
  #truth(sourceList: readonly UserId[], floor: PostId | undefined): CandidateSource {
    const ceiling = floor;
    const top = floor === undefined ? undefined : nextId(floor);
    const posts = this.#d.posts;
    return {
      ...(ceiling === undefined ? {} : { ceiling }),
      fetch: (b, n) => posts.byAuthors(sourceList, { before: minBefore(b, top), limit: n }),
    };
  }
}

function minBefore(a: PostId | undefined, b: PostId | undefined): PostId | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareIds(a, b) < 0 ? a : b;
}
