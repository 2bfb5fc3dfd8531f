import { validateDisplayName, validateHandle } from "../domain/validation.js";
import { isFeedError } from "../errors/feed-error.js";
import { isId, type UserId } from "../ids/id.js";
import type { UserRecord, UserStore } from "../ports/user-store.js";
import type { ImportResult, ImportUser } from "./feed-engine.js";
import type { FeedStores } from "./options.js";

const CHUNK = 10_000;

/** Checks one row of an import; undefined (counted as rejected) when its id, handle or display name is bad. */
function importRecord(u: ImportUser, now: number): UserRecord | undefined {
  try {
    if (!isId(u.id)) throw new TypeError("bad id");
    const handle = validateHandle(u.handle);
    return { id: u.id, handle, displayName: validateDisplayName(u.displayName, handle), createdAt: u.createdAt ?? now };
  } catch (error) {
    if (error instanceof TypeError || isFeedError(error)) return undefined;
    throw error;
  }
}

/** Whether a user `create` refused is the same account already stored (a re-run), rather than a clash. */
function sameAccount(stored: UserRecord | undefined, record: UserRecord): boolean {
  return stored !== undefined && stored.handle.toLowerCase() === record.handle.toLowerCase();
}

/** One user at a time: `create`, and on refusal a look at who holds the id. */
async function importOneByOne(users: UserStore, records: readonly UserRecord[], result: ImportResult): Promise<void> {
  for (const record of records) {
    if (await users.create(record)) result.imported++;
    else {
      const [same] = await users.getMany([record.id]);
      if (sameAccount(same, record)) result.existing++;
      else result.rejected++;
    }
  }
}

/**
 * One chunk through `createMany`, counted exactly as {@link importOneByOne} would count it. Rows whose id is stored
 * already are not sent. Of the rest, the one stored under an id is the first row with that id and the stored handle
 * (a row refused for its handle leaves that handle taken, so no later row with the same handle can win); every other
 * row is existing when the id's stored user has its handle in any case, else rejected.
 */
async function importChunk(
  users: UserStore,
  createMany: (users: readonly UserRecord[]) => Promise<number>,
  records: readonly UserRecord[],
  result: ImportResult,
): Promise<void> {
  const before = await users.getMany(records.map((r) => r.id));
  const fresh: UserRecord[] = [];
  records.forEach((record, i) => {
    const stored = before[i];
    if (stored === undefined) fresh.push(record);
    else if (sameAccount(stored, record)) result.existing++;
    else result.rejected++;
  });
  if (fresh.length === 0) return;
  try {
    await createMany(fresh);
  } catch (error) {
    // A row the backend cannot store (the chunk wrote nothing): fall back so the good rows still load and the bad
    // one fails exactly as it would alone.
    if (!isFeedError(error, "VALIDATION")) throw error;
    await importOneByOne(users, fresh, result);
    return;
  }
  const after = await users.getMany(fresh.map((r) => r.id));
  const won = new Set<UserId>();
  fresh.forEach((record, i) => {
    const stored = after[i];
    if (stored !== undefined && !won.has(record.id) && stored.handle === record.handle) {
      won.add(record.id);
      result.imported++;
    } else if (sameAccount(stored, record)) result.existing++;
    else result.rejected++;
  });
}

/**
 * Imports users with caller-chosen ids; rows with a bad id or handle are counted as rejected, not fatal. Uses the
 * store's `createMany` (one write per 10,000 rows) when it has one, else `create` per row; the counts are the same.
 */
export async function importUsers(
  stores: Pick<FeedStores, "users">,
  users: Iterable<ImportUser>,
  now: number,
): Promise<ImportResult> {
  const result: ImportResult = { imported: 0, existing: 0, rejected: 0 };
  const store = stores.users;
  const createMany = store.createMany?.bind(store);
  let chunk: UserRecord[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    if (createMany) await importChunk(store, createMany, chunk, result);
    else await importOneByOne(store, chunk, result);
    chunk = [];
  };
  for (const u of users) {
    const record = importRecord(u, now);
    if (record === undefined) result.rejected++;
    else chunk.push(record);
    if (chunk.length >= CHUNK) await flush();
  }
  await flush();
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
