import type { TimelinePage } from "../domain/types.js";
import type { PostId, UserId } from "../ids/id.js";
import type { GraphStore } from "../ports/graph-store.js";
import type { PostStore } from "../ports/post-store.js";
import { CandidateMerger } from "./candidate-merger.js";
import { collectPage } from "./page-collector.js";

/** Reads one author's posts, replies and reposts, newest first, as seen by an optional viewer. */
export async function readUserTimeline(
  deps: { posts: PostStore; graph: GraphStore },
  authorId: UserId,
  viewerId: UserId | undefined,
  before: PostId | undefined,
  limit: number,
): Promise<TimelinePage> {
  const source = {
    fetch: (b: PostId | undefined, n: number) => deps.posts.byAuthor(authorId, { before: b, limit: n }),
  };
  return collectPage(new CandidateMerger([source], before, limit + 1), {
    kind: "user",
    limit,
    posts: deps.posts,
    graph: deps.graph,
    viewerId,
    sources: new Set([authorId]),
    replyRule: false,
  });
}
