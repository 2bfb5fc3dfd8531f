import type { FeedEngine, ImportResult, ImportUser } from "@feed-engine/core";
import { type EdgeGraph, edgePairs } from "../graph/edge-graph.js";
import type { ProgressSink } from "../output/progress.js";

/** Options for {@link seedEngine}. */
export interface SeedEngineOptions {
  /** Share of users last seen 31-365 days ago; the rest were seen within the last day. */
  inactiveShare: number;
  /** Users never made inactive (celebrities), by index. */
  alwaysActive: readonly number[];
  random: () => number;
  /** Called between chunks; lets Ctrl-C and timers run during long phases. */
  pause: () => Promise<void>;
}

/** What seeding did. */
export interface SeededEngine {
  users: ImportResult;
  follows: ImportResult;
  /** 1 for each user (by index) that was made inactive. */
  inactive: Uint8Array;
  inactiveCount: number;
}

const DAY_MS = 86_400_000;
const USER_CHUNK = 10_000;
const EDGE_CHUNK = 100_000;

/** Handle for the user at `index`: `u<index>`, which always matches `[A-Za-z0-9_]{1,30}`. */
export const handleOf = (index: number): string => `u${index}`;

const add = (a: ImportResult, b: ImportResult): ImportResult => ({
  imported: a.imported + b.imported,
  existing: a.existing + b.existing,
  rejected: a.rejected + b.rejected,
});

/**
 * Loads a graph into an engine the way a migration would: bulk user and follow imports (no events), an empty
 * materialized timeline per user (so pushes land from the first post on), and last-seen times for the inactivity rule.
 */
export async function seedEngine(
  engine: FeedEngine,
  graph: EdgeGraph,
  o: SeedEngineOptions,
  progress: ProgressSink,
): Promise<SeededEngine> {
  const n = graph.ids.length;
  const edgeCount = graph.from.length;
  let users: ImportResult = { imported: 0, existing: 0, rejected: 0 };
  progress.start("Importing users", n, "users");
  for (let start = 0; start < n; start += USER_CHUNK) {
    const end = Math.min(n, start + USER_CHUNK);
    const chunk: ImportUser[] = [];
    for (let i = start; i < end; i++) chunk.push({ id: graph.ids[i]!, handle: handleOf(i) });
    users = add(users, await engine.importUsers(chunk));
    progress.update(end);
    await o.pause();
  }
  progress.end();

  let follows: ImportResult = { imported: 0, existing: 0, rejected: 0 };
  progress.start("Importing follows", edgeCount, "follows");
  for (let start = 0; start < edgeCount; start += EDGE_CHUNK) {
    const end = Math.min(edgeCount, start + EDGE_CHUNK);
    follows = add(follows, await engine.importFollows(edgePairs(graph, start, end)));
    progress.update(end);
    await o.pause();
  }
  progress.end();

  progress.start("Building timelines", n, "users");
  for (let i = 0; i < n; i++) {
    await engine.rebuildTimeline(graph.ids[i]!);
    if ((i & 1023) === 1023) {
      progress.update(i + 1);
      await o.pause();
    }
  }
  progress.update(n);
  progress.end();

  const inactive = new Uint8Array(n);
  let inactiveCount = 0;
  const now = engine.clock.now();
  const entries: Array<readonly [string, number]> = [];
  const activity = engine.stores.activity;
  for (let i = 0; i < n; i++) {
    let at: number;
    if (o.random() < o.inactiveShare) {
      inactive[i] = 1;
      inactiveCount++;
      at = now - (31 + o.random() * 334) * DAY_MS;
    } else {
      at = now - o.random() * DAY_MS;
    }
    entries.push([graph.ids[i]!, Math.floor(at)]);
  }
  for (const i of o.alwaysActive) {
    if (inactive[i] === 1) {
      inactive[i] = 0;
      inactiveCount--;
      entries[i] = [graph.ids[i]!, now];
    }
  }
  for (let start = 0; start < n; start += USER_CHUNK) {
    const chunk = entries.slice(start, start + USER_CHUNK);
    if (activity.touchMany) await activity.touchMany(chunk);
    else for (const [id, at] of chunk) await activity.touch(id, at);
  }
  return { users, follows, inactive, inactiveCount };
}
