import type { FeedEngine, ImportResult, UserId } from "@feed-engine/core";
import { type EdgeGraph, edgePairs } from "../graph/edge-graph.js";
import type { ProgressSink } from "../output/progress.js";

/** Users per bulk call. */
export const USER_CHUNK = 10_000;
/** Edges per call of the engine's import (which checks the users of each 10,000 itself). */
const EDGE_CHUNK = 50_000;
/** Edges per `followMany` call: big enough that per-call overhead vanishes, small enough for a moving progress bar. */
const BULK_EDGE_CHUNK = 200_000;

const sum = (a: ImportResult, b: ImportResult): ImportResult => ({
  imported: a.imported + b.imported,
  existing: a.existing + b.existing,
  rejected: a.rejected + b.rejected,
});

/** Handle of a seeded user: `u` and the id, so `@u813286` names user 813286 (ids have at most 19 digits). */
export const seedHandle = (id: UserId): string => `u${id}`;

/** Users in chunks: one COPY per chunk where the store has `createMany`, else the engine's import. */
export async function importUsers(
  engine: FeedEngine,
  graph: EdgeGraph,
  joined: number,
  progress: ProgressSink,
): Promise<ImportResult> {
  let result: ImportResult = { imported: 0, existing: 0, rejected: 0 };
  const store = engine.stores.users;
  progress.start("Importing users", graph.ids.length, "users");
  for (let at = 0; at < graph.ids.length; at += USER_CHUNK) {
    const chunk = graph.ids.slice(at, at + USER_CHUNK).map((id) => {
      const handle = seedHandle(id);
      return { id, handle, displayName: handle, createdAt: joined };
    });
    if (store.createMany) {
      const imported = await store.createMany(chunk);
      result = sum(result, { imported, existing: chunk.length - imported, rejected: 0 });
    } else {
      result = sum(result, await engine.importUsers(chunk));
    }
    progress.update(at + chunk.length);
  }
  progress.end();
  return result;
}

/**
 * Follows in large chunks straight into the graph store's `followMany` (one COPY each on PostgreSQL) when it has one,
 * after one check of which graph users exist (a user the import skipped for a taken handle has none, and its edges are
 * rejected); otherwise through the engine's import, which checks and writes 10,000 edges at a time.
 */
export async function importFollows(
  engine: FeedEngine,
  graph: EdgeGraph,
  users: ImportResult,
  progress: ProgressSink,
): Promise<ImportResult> {
  const total = graph.from.length;
  progress.start("Importing follows", total, "follows");
  let result: ImportResult = { imported: 0, existing: 0, rejected: 0 };
  const { graph: store } = engine.stores;
  if (store.followMany === undefined) {
    for (let at = 0; at < total; at += EDGE_CHUNK) {
      const end = Math.min(total, at + EDGE_CHUNK);
      result = sum(result, await engine.importFollows(edgePairs(graph, at, end)));
      progress.update(end);
    }
  } else {
    const absent = users.imported === graph.ids.length ? new Uint8Array(0) : await absentUsers(engine, graph);
    const now = engine.clock.now();
    for (let at = 0; at < total; at += BULK_EDGE_CHUNK) {
      const end = Math.min(total, at + BULK_EDGE_CHUNK);
      const edges: Array<[UserId, UserId]> = [];
      for (let i = at; i < end; i++) {
        if (absent[graph.from[i]!] === 1 || absent[graph.to[i]!] === 1) result.rejected++;
        else edges.push([graph.ids[graph.from[i]!]!, graph.ids[graph.to[i]!]!]);
      }
      const created = await store.followMany(edges, now);
      result = sum(result, { imported: created, existing: edges.length - created, rejected: 0 });
      progress.update(end);
    }
  }
  progress.end();
  return result;
}

/** 1 for each graph user (by index) the user store does not hold. */
async function absentUsers(engine: FeedEngine, graph: EdgeGraph): Promise<Uint8Array> {
  const absent = new Uint8Array(graph.ids.length);
  for (let at = 0; at < graph.ids.length; at += USER_CHUNK) {
    const found = await engine.stores.users.getMany(graph.ids.slice(at, at + USER_CHUNK));
    found.forEach((user, i) => {
      if (user === undefined) absent[at + i] = 1;
    });
  }
  return absent;
}
