import { validateDisplayName, validateHandle } from "../domain/validation.js";
import { isFeedError } from "../errors/feed-error.js";
import { isId, type UserId } from "../ids/id.js";
import type { ImportResult, ImportUser } from "./feed-engine.js";
import type { FeedStores } from "./options.js";

const CHUNK = 10_000;

/** Imports users with caller-chosen ids; rows with a bad id or handle are counted as rejected, not fatal. */
export async function importUsers(
  stores: Pick<FeedStores, "users">,
  users: Iterable<ImportUser>,
  now: number,
): Promise<ImportResult> {
  const result: ImportResult = { imported: 0, existing: 0, rejected: 0 };
  for (const u of users) {
    let record: { id: UserId; handle: string; displayName: string; createdAt: number };
    try {
      if (!isId(u.id)) throw new TypeError("bad id");
      const handle = validateHandle(u.handle);
      record = {
        id: u.id,
        handle,
        displayName: validateDisplayName(u.displayName, handle),
        createdAt: u.createdAt ?? now,
      };
    } catch (error) {
      if (error instanceof TypeError || isFeedError(error)) {
        result.rejected++;
        continue;
      }
      throw error;
    }
    if (await stores.users.create(record)) result.imported++;
    else {
      const [same] = await stores.users.getMany([record.id]);
      if (same && same.handle.toLowerCase() === record.handle.toLowerCase()) result.existing++;
      else result.rejected++;
    }
  }
  return result;
}

/**
 * Imports follow edges in chunks, without events or backfill: meant for seeding before posts exist. Self-follows,
 * malformed ids and unknown users are counted as rejected.
 */
export async function importFollows(
  stores: Pick<FeedStores, "users" | "graph">,
  edges: Iterable<readonly [UserId, UserId]>,
  now: number,
): Promise<ImportResult> {
  const result: ImportResult = { imported: 0, existing: 0, rejected: 0 };
  let chunk: Array<readonly [UserId, UserId]> = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    const ids = [...new Set(chunk.flat())];
    const found = await stores.users.getMany(ids);
    const known = new Set(ids.filter((_, i) => found[i] !== undefined));
    const good = chunk.filter(([a, b]) => known.has(a) && known.has(b));
    result.rejected += chunk.length - good.length;
    let created = 0;
    if (stores.graph.followMany) created = await stores.graph.followMany(good, now);
    else for (const [a, b] of good) if ((await stores.graph.follow(a, b, now)) === "created") created++;
    result.imported += created;
    result.existing += good.length - created;
    chunk = [];
  };
  for (const edge of edges) {
    const [a, b] = edge;
    if (!isId(a) || !isId(b) || a === b) {
      result.rejected++;
      continue;
    }
    chunk.push(edge);
    if (chunk.length >= CHUNK) await flush();
  }
  await flush();
  return result;
}
