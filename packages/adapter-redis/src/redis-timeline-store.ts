import {
  assertId,
  FeedError,
  type PostId,
  type TimelineSlice,
  type TimelineStore,
  type TimelineStoreCapabilities,
  type UserId,
} from "@feed-engine/core";
import type { RedisClient, RedisCommands } from "./client.js";
import { keySlot } from "./cluster-slot.js";
import { assertPrefix } from "./key-prefix.js";
import { execByNode, type SlotCommand } from "./node-pipelines.js";
import { toFeedError } from "./redis-errors.js";
import { defineTimelineScripts, timelineScripts } from "./scripts.js";
import { assertIds, decodeSlice, encodeId, encodeSortedIds } from "./timeline-codec.js";

/** Options for {@link RedisTimelineStore}. */
export interface RedisTimelineStoreOptions {
  /** An ioredis `Redis` or `Cluster`, created and closed by the caller. */
  client: RedisClient;
  /** Prepended to every key (no `{` or `}`: each key's hash tag is its user id). Default `"feed:"`. */
  prefix?: string;
  /** The most entries one timeline holds (an integer >= 1). Default 800. */
  cap?: number;
  /** When set, a timeline expires after this many seconds unused (read, filled or pushed to); reads then rebuild it. */
  ttlSeconds?: number;
}

/** The most timelines one script call touches, so that one call never blocks Redis for long. */
const KEYS_PER_CALL = 1_000;

/**
 * Materialized home timelines in Redis, one string per timeline: a 9-byte header (8-byte big-endian floor, a flags
 * byte whose bit 0 means complete) and the entries as 8-byte big-endian ids, ascending, so about 9 bytes per entry.
 *
 * Every change to a timeline is one Lua script (`src/lua`), so insert, dedupe and trim to the cap are atomic per
 * timeline. A push of an id newer than every entry appends in place, full timeline or not: the entry just before the
 * last `cap` is an implicit floor, so the oldest entry turns stale without a write and stays behind until the next
 * rewrite (see `src/lua/includes/timeline.lua`). The read and remove scripts take the cap for that reason. A fan-out
 * batch is one round trip: one script call for all its timelines on a standalone server; on a
 * Cluster, one pipeline per node holding one script call per slot. Keys are `${prefix}tl:{${userId}}`, so all of one
 * timeline's state lives on one slot.
 */
export class RedisTimelineStore implements TimelineStore {
  /** The most entries one timeline holds. */
  readonly cap: number;
  /** Each script runs atomically in Redis; timelines expire only when `ttlSeconds` is set. */
  readonly capabilities: TimelineStoreCapabilities;
  readonly #client: RedisClient;
  readonly #prefix: string;
  /** 0 leaves TTLs alone (the scripts' convention). */
  readonly #ttl: number;

  constructor(options: RedisTimelineStoreOptions) {
    const { client, prefix = "feed:", cap = 800, ttlSeconds } = options;
    if (!Number.isInteger(cap) || cap < 1) {
      throw new FeedError("VALIDATION", `RedisTimelineStore: cap must be an integer >= 1 (got ${String(cap)})`, {
        field: "cap",
      });
    }
    if (ttlSeconds !== undefined && (!Number.isInteger(ttlSeconds) || ttlSeconds < 1)) {
      throw new FeedError(
        "VALIDATION",
        `RedisTimelineStore: ttlSeconds must be an integer >= 1 or left out (got ${String(ttlSeconds)})`,
        { field: "ttlSeconds" },
      );
    }
    assertPrefix(prefix, client, "RedisTimelineStore");
    this.cap = cap;
    this.capabilities = { atomicTrim: true, expires: ttlSeconds !== undefined };
    this.#client = client;
    this.#prefix = prefix;
    this.#ttl = ttlSeconds ?? 0;
    defineTimelineScripts(client);
  }

  /** Creates an empty, incomplete timeline unless the user has one (which stays as it is, TTL included). */
  async prepare(userId: UserId): Promise<void> {
    assertId(userId, "userId");
    await this.#one(userId, "prepare", (p, key) => timelineScripts.prepare(p, key, this.#ttl));
  }

  /**
   * Adds `ids` to what is there (creating the timeline if absent), raises the floor to `floor` (a higher floor
   * stays), drops entries at or below it, trims to the cap and marks the timeline complete.
   */
  async fill(userId: UserId, ids: readonly PostId[], floor: PostId): Promise<void> {
    await this.#union("fill", userId, ids, floor);
  }

  /**
   * Adds `postId` to each listed timeline that exists and holds it above its floor, in one round trip per node.
   * Returns how many of the (distinct) timelines hold it after the call.
   */
  async push(userIds: readonly UserId[], postId: PostId): Promise<number> {
    assertIds(userIds, "userIds");
    const id = encodeId(postId, "postId");
    const replies = await this.#many(userIds, "push", (p, keys) =>
      timelineScripts.push(p, keys, id, this.cap, this.#ttl),
    );
    let holding = 0;
    for (const reply of replies) holding += countOf(reply, "RedisTimelineStore.push");
    return holding;
  }

  /** Adds `ids` to the timeline if it exists, raising its floor to at least `minFloor`; absent timelines stay absent. */
  async merge(userId: UserId, ids: readonly PostId[], minFloor: PostId): Promise<void> {
    await this.#union("merge", userId, ids, minFloor);
  }

  /** Entries below `before` (exclusive), newest first, at most `limit`, and the floor; `null` unless complete. */
  async read(userId: UserId, range: { before?: PostId; limit: number }): Promise<TimelineSlice | null> {
    assertId(userId, "userId");
    if (typeof range !== "object" || range === null) {
      throw new FeedError("VALIDATION", "RedisTimelineStore.read: range must be { before?, limit }", {
        field: "range",
      });
    }
    const before = range.before === undefined ? undefined : encodeId(range.before, "before");
    const { limit } = range;
    if (typeof limit !== "number" || Number.isNaN(limit)) {
      throw new FeedError("VALIDATION", `RedisTimelineStore.read: limit must be a number (got ${String(limit)})`, {
        field: "limit",
      });
    }
    // As the reference store: fractions round down, negatives read nothing, anything above the cap reads it all.
    const count = Math.min(Math.max(0, Math.floor(limit)), 2 ** 31 - 1);
    const args = { before, limit: count, ttl: this.#ttl, cap: this.cap };
    const reply = await this.#one(userId, "read", (p, key) => timelineScripts.read(p, key, args));
    if (reply === null || reply === undefined) return null;
    if (!Array.isArray(reply) || !Buffer.isBuffer(reply[0]) || !Buffer.isBuffer(reply[1])) {
      throw toFeedError(reply, "RedisTimelineStore.read");
    }
    return decodeSlice(reply[0], reply[1]);
  }

  /** Removes these entries from one timeline; the floor stays where it is. */
  async remove(userId: UserId, postIds: readonly PostId[]): Promise<void> {
    assertId(userId, "userId");
    const ids = encodeSortedIds(postIds, "postIds");
    if (ids.length === 0) return;
    const reply = await this.#one(userId, "remove", (p, key) => timelineScripts.remove(p, [key], ids, this.cap));
    countOf(reply, "RedisTimelineStore.remove");
  }

  /** Removes one entry from each listed timeline that has it, in one round trip per node. */
  async removeFromMany(userIds: readonly UserId[], postId: PostId): Promise<void> {
    assertIds(userIds, "userIds");
    const id = encodeId(postId, "postId");
    const replies = await this.#many(userIds, "removeFromMany", (p, keys) =>
      timelineScripts.remove(p, keys, id, this.cap),
    );
    for (const reply of replies) countOf(reply, "RedisTimelineStore.removeFromMany");
  }

  /** Forgets a timeline (deletes its key); the next read returns `null`. */
  async drop(userId: UserId): Promise<void> {
    assertId(userId, "userId");
    await this.#one(userId, "drop", (p, key) => p.del(key));
  }

  /** The key of a user's timeline; the user id is its hash tag. Exposed for tests and operations (MEMORY USAGE). */
  keyOf(userId: UserId): string {
    assertId(userId, "userId");
    return this.#key(userId);
  }

  /** The key of an id already validated. */
  #key(userId: UserId): string {
    return `${this.#prefix}tl:{${userId}}`;
  }

  async #union(mode: "fill" | "merge", userId: UserId, ids: readonly PostId[], floor: PostId): Promise<void> {
    assertId(userId, "userId");
    const entries = encodeSortedIds(ids, "ids");
    const floorBytes = encodeId(floor, mode === "fill" ? "floor" : "minFloor");
    const args = { floor: floorBytes, ids: entries, cap: this.cap, ttl: this.#ttl, fill: mode === "fill" };
    const reply = await this.#one(userId, mode, (p, key) => timelineScripts.union(p, key, args));
    countOf(reply, `RedisTimelineStore.${mode}`);
  }

  /** Runs one command on one user's timeline and returns its reply. */
  async #one(userId: UserId, call: string, queue: (target: RedisCommands, key: string) => unknown): Promise<unknown> {
    const key = this.#key(userId);
    const [reply] = await execByNode(
      this.#client,
      [{ slot: keySlot(key), queue: (p) => queue(p, key) }],
      `RedisTimelineStore.${call}`,
    );
    return reply;
  }

  /**
   * Runs a multi-key script over many users' timelines (distinct users, at most {@link KEYS_PER_CALL} keys per call):
   * standalone, one call for a batch of up to 1,000; on a cluster, one call per slot, grouped into one pipeline per node.
   */
  async #many(
    userIds: readonly UserId[],
    call: string,
    queue: (target: RedisCommands, keys: readonly string[]) => unknown,
  ): Promise<unknown[]> {
    const distinct = [...new Set(userIds)];
    const commands: SlotCommand[] = [];
    const add = (slot: number, keys: string[]) => commands.push({ slot, queue: (p) => queue(p, keys) });
    if (!this.#client.isCluster) {
      for (let at = 0; at < distinct.length; at += KEYS_PER_CALL) {
        add(
          0,
          distinct.slice(at, at + KEYS_PER_CALL).map((userId) => this.#key(userId)),
        );
      }
    } else {
      const bySlot = new Map<number, string[]>();
      for (const userId of distinct) {
        const key = this.#key(userId);
        const slot = keySlot(key);
        const keys = bySlot.get(slot);
        if (keys === undefined) bySlot.set(slot, [key]);
        else keys.push(key);
      }
      for (const [slot, keys] of bySlot) {
        for (let at = 0; at < keys.length; at += KEYS_PER_CALL) add(slot, keys.slice(at, at + KEYS_PER_CALL));
      }
    }
    return execByNode(this.#client, commands, `RedisTimelineStore.${call}`);
  }
}

/** A script's integer reply: a count, or (negative) a failure code mapped to a FeedError. */
function countOf(reply: unknown, where: string): number {
  if (typeof reply === "number" && reply >= 0) return reply;
  throw toFeedError(reply, where);
}
