import type { Clock } from "../clock/clock.js";
import type { TimelinePage } from "../domain/types.js";
import type { FeedStores } from "../engine/options.js";
import type { FanoutPolicy } from "../fanout/fanout-policy.js";
import { compareIds, nextId, type PostId, type UserId } from "../ids/id.js";
import type { TimelineSlice } from "../ports/timeline-store.js";
import { CandidateMerger, type CandidateSource } from "./candidate-merger.js";
import { collectPage } from "./page-collector.js";

/** What the home timeline reads from (and the fan-out worker writes to). */
export interface HomeTimelineDeps extends Pick<FeedStores, "users" | "posts" | "graph" | "timelines" | "activity"> {
  policy: FanoutPolicy;
  clock: Clock;
}

/**
 * Reads home timelines: the reader's materialized entries, merged with the recent posts of the pulled authors they
 * follow and their own (read-your-writes), and, below the timeline's floor, with the source of truth — then filtered
 * by the definition. Cold timelines (absent, expired, or of a reader who was away while fan-out skipped them) are
 * rebuilt first.
 */
export class HomeTimeline {
  readonly #d: HomeTimelineDeps;

  constructor(deps: HomeTimelineDeps) {
    this.#d = deps;
  }

  /** One page of `readerId`'s home timeline below `before`. The caller has validated everything. */
  async read(readerId: UserId, before: PostId | undefined, limit: number): Promise<TimelinePage> {
    const d = this.#d;
    const now = d.clock.now();
    const [followees, [lastSeen]] = await Promise.all([d.graph.followeeIds(readerId), d.activity.lastSeen([readerId])]);
    const sources = new Set<UserId>(followees);
    sources.add(readerId);
    const sourceList = [...sources];
    const firstChunk = limit + 1;

    const materializes = d.timelines.capabilities.materializes ?? true;
    let slice: TimelineSlice | null =
      !materializes || d.policy.isInactive(lastSeen, now)
        ? null
        : await d.timelines.read(readerId, { before, limit: firstChunk });
    if (slice === null && materializes) {
      await this.rebuild(readerId, sourceList);
      slice = await d.timelines.read(readerId, { before, limit: firstChunk });
    }
    await d.activity.touch(readerId, now);

    const candidates: CandidateSource[] = [];
    if (slice === null) {
      // A pull-only store, or one that would not keep the timeline: serve the page from the source of truth.
      candidates.push(this.#truth(sourceList, undefined));
    } else {
      const floor = slice.floor;
      const pulled = await d.users.pulledAmong(followees);
      pulled.push(readerId);
      candidates.push(this.#materialized(readerId, before, slice, firstChunk, sourceList));
      candidates.push({
        fetch: (b, n) => d.posts.byAuthors(pulled, { before: b, after: floor, limit: n }),
      });
      if (floor !== "0") candidates.push(this.#truth(sourceList, floor));
    }
    const merger = new CandidateMerger(candidates, before, firstChunk);
    return collectPage(merger, {
      kind: "home",
      limit,
      posts: d.posts,
      graph: d.graph,
      viewerId: readerId,
      sources,
      replyRule: true,
    });
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
