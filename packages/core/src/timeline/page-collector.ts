import type { TimelineItem, TimelinePage } from "../domain/types.js";
import type { PostId, UserId } from "../ids/id.js";
import type { GraphStore } from "../ports/graph-store.js";
import type { HydratedPost, PostStore } from "../ports/post-store.js";
import type { CandidateMerger } from "./candidate-merger.js";
import { type CursorKind, encodeCursor } from "./cursor.js";
import { involvedAuthors, type VisibilityContext, visibleItems } from "./visibility.js";

/** What {@link collectPage} needs besides the candidates. */
export interface CollectOptions {
  kind: CursorKind;
  limit: number;
  posts: PostStore;
  graph: GraphStore;
  /** The user blocks are checked against; none for an anonymous user-timeline read. */
  viewerId: UserId | undefined;
  /** Everyone a block stands between and the viewer, when already known; otherwise each batch is checked. */
  blockedIds?: ReadonlySet<UserId>;
  sources: ReadonlySet<UserId>;
  /** `sources` as a list, when the caller has one. */
  sourceList?: readonly UserId[];
  replyRule: boolean;
  /** Posts already hydrated (with the reader's context): `posts` holds those of `ids` that are live. */
  hydrated?: { ids: ReadonlySet<PostId>; posts: ReadonlyMap<PostId, HydratedPost> };
}

/**
 * Pulls candidates, hydrates each batch in one call, filters them by the definition and stops at `limit` items
 * (reading one more to know whether history goes on).
 */
export async function collectPage(merger: CandidateMerger, options: CollectOptions): Promise<TimelinePage> {
  const { limit, posts, graph, viewerId } = options;
  const sourceList = options.sourceList ?? [...options.sources];
  const items: TimelineItem[] = [];
  let want = limit + 1;
  for (;;) {
    const ids = await merger.next(want);
    if (ids.length === 0) break;
    const hydrated = await hydrate(ids, posts, options.hydrated);
    const blockedSet = new Set<UserId>(options.blockedIds);
    if (viewerId !== undefined && options.blockedIds === undefined) {
      const authors = involvedAuthors(hydrated).filter((a) => a !== viewerId);
      const flags = await graph.blockedEither(viewerId, authors);
      authors.forEach((a, i) => {
        if (flags[i]) blockedSet.add(a);
      });
    }
    const ctx: VisibilityContext = {
      sources: options.sources,
      replyRule: options.replyRule,
      blocked: (u) => blockedSet.has(u),
    };
    items.push(...(await visibleItems(ids, hydrated, ctx, posts, sourceList)));
    if (items.length > limit || ids.length < want) break;
    // Some candidates were filtered out; read further, more each round.
    want = Math.min(Math.max((limit + 1 - items.length) * 2, want * 2), 400);
  }
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page, nextCursor: items.length > limit && last ? encodeCursor(options.kind, last.id) : null };
}

/** Hydrates `ids`, asking the post store only for those not hydrated already. */
async function hydrate(
  ids: readonly PostId[],
  posts: PostStore,
  known: CollectOptions["hydrated"],
): Promise<Map<PostId, HydratedPost>> {
  if (known === undefined) return posts.hydrate(ids);
  const missing = ids.filter((id) => !known.ids.has(id));
  const out = missing.length === 0 ? new Map<PostId, HydratedPost>() : await posts.hydrate(missing);
  for (const id of ids) {
    const post = known.posts.get(id);
    if (post !== undefined) out.set(id, post);
  }
  return out;
}
