import type { PostId, UserId } from "@feed-engine/core";
import type { EdgeGraph } from "../graph/edge-graph.js";

/** The posts a seed run wrote: ids in creation (= id) order, and for each author (by index) its posts' positions. */
export interface SeededPosts {
  /** Every seeded post id, ascending. */
  ids: PostId[];
  /** Posts per author: author `i` wrote `ids[byAuthor[i * perUser + k]]` for k in 0..perUser-1, ascending. */
  byAuthor: Uint32Array;
  perUser: number;
}

/** One materialized timeline: the newest `cap` entries (newest first) and the floor below which it is incomplete. */
export interface SeededTimeline {
  userId: UserId;
  ids: PostId[];
  floor: PostId;
}

/**
 * The timeline a rebuild would make for every user of a freshly seeded graph, computed in memory: the newest `cap`
 * posts by the user and everyone they follow, and as floor the next older one (or `"0"` when they fit). Exact only
 * when the source of truth holds nothing but what this run wrote for these users, which the caller checks.
 */
export function* seededTimelines(graph: EdgeGraph, posts: SeededPosts, cap: number): Generator<SeededTimeline> {
  const n = graph.ids.length;
  // Who each user follows, as compressed rows (CSR): start[u]..start[u+1] in `followees`.
  const start = new Uint32Array(n + 1);
  for (const u of graph.from) start[u + 1]!++;
  for (let u = 0; u < n; u++) start[u + 1]! += start[u]!;
  const followees = new Uint32Array(graph.from.length);
  const fill = start.slice(0, n);
  for (let i = 0; i < graph.from.length; i++) followees[fill[graph.from[i]!]!++] = graph.to[i]!;

  const { perUser, byAuthor, ids } = posts;
  let buffer = new Uint32Array(1024);
  for (let u = 0; u < n; u++) {
    const authors = start[u + 1]! - start[u]! + 1;
    const size = authors * perUser;
    if (size > buffer.length) buffer = new Uint32Array(size * 2);
    let count = 0;
    const add = (author: number) => {
      for (let k = 0; k < perUser; k++) buffer[count++] = byAuthor[author * perUser + k]!;
    };
    add(u);
    for (let e = start[u]!; e < start[u + 1]!; e++) add(followees[e]!);
    const sorted = buffer.subarray(0, count).sort();
    const newest: PostId[] = [];
    let floor: PostId = "0";
    for (let i = count - 1; i >= 0; i--) {
      if (i < count - 1 && sorted[i] === sorted[i + 1]) continue; // a duplicate edge
      if (newest.length === cap) {
        floor = ids[sorted[i]!]!;
        break;
      }
      newest.push(ids[sorted[i]!]!);
    }
    yield { userId: graph.ids[u]!, ids: newest, floor };
  }
}
