import { type ActivityStore, assertId, FeedError, type UserId } from "@feed-engine/core";
import type { RedisClient } from "./client.js";
import { keySlot } from "./cluster-slot.js";
import { assertPrefix } from "./key-prefix.js";
import { execByNode, type SlotCommand } from "./node-pipelines.js";
import { toFeedError } from "./redis-errors.js";

/** Options for {@link RedisActivityStore}. */
export interface RedisActivityStoreOptions {
  /** An ioredis `Redis` or `Cluster`, created and closed by the caller. */
  client: RedisClient;
  /** Prepended to every key (no `{` or `}`). Default `"feed:"`. */
  prefix?: string;
  /**
   * How many sorted sets the users are spread over (an integer from 1 to 2^24). Keep about 100 users per bucket so
   * each stays a compact listpack (`zset-max-listpack-entries`, 128 by default): the default 65,536 suits up to ~6
   * million users. Changing it later forgets every last-seen time (users then count as never seen).
   */
  buckets?: number;
}

/** The most members one ZADD carries. */
const MEMBERS_PER_COMMAND = 1_000;

/**
 * When each user was last seen, in Redis: users are hashed into `buckets` sorted sets (`${prefix}seen:{b}`), the
 * member is the user id and the score the time in ms. `ZADD GT` keeps the latest time atomically, with no script;
 * `ZMSCORE` reads many users of one bucket at once. A bucket of up to 128 members is a listpack, ~20 bytes per user,
 * against ~70 for a key per user. A batch is one round trip per node: one pipeline, or on a Cluster one per node.
 */
export class RedisActivityStore implements ActivityStore {
  readonly #client: RedisClient;
  readonly #prefix: string;
  readonly #buckets: number;

  constructor(options: RedisActivityStoreOptions) {
    const { client, prefix = "feed:", buckets = 65_536 } = options;
    if (!Number.isInteger(buckets) || buckets < 1 || buckets > 2 ** 24) {
      throw new FeedError(
        "VALIDATION",
        `RedisActivityStore: buckets must be an integer from 1 to 2^24 (got ${String(buckets)})`,
        { field: "buckets" },
      );
    }
    assertPrefix(prefix, client, "RedisActivityStore");
    this.#client = client;
    this.#prefix = prefix;
    this.#buckets = buckets;
  }

  /** Records that the user was seen at `at` (ms); an earlier time than the one stored changes nothing. */
  async touch(userId: UserId, at: number): Promise<void> {
    await this.touchMany([[userId, at]]);
  }

  /** Records many sightings at once (the latest time of each user is kept), in one round trip per node. */
  async touchMany(entries: ReadonlyArray<readonly [UserId, number]>): Promise<void> {
    if (!Array.isArray(entries)) {
      throw new FeedError("VALIDATION", "RedisActivityStore.touchMany: entries must be an array of [userId, at]", {
        field: "entries",
      });
    }
    const byBucket = new Map<string, (string | number)[]>();
    for (const entry of entries) {
      if (!Array.isArray(entry)) {
        throw new FeedError("VALIDATION", "RedisActivityStore: each entry must be [userId, at]", { field: "entries" });
      }
      const [userId, at] = entry;
      assertId(userId, "userId");
      assertTime(at);
      const key = this.#bucketKey(userId);
      const args = byBucket.get(key);
      if (args === undefined) byBucket.set(key, [at, userId]);
      else args.push(at, userId);
    }
    const commands: SlotCommand[] = [];
    for (const [key, args] of byBucket) {
      for (let at = 0; at < args.length; at += 2 * MEMBERS_PER_COMMAND) {
        const chunk = args.slice(at, at + 2 * MEMBERS_PER_COMMAND);
        commands.push({ slot: keySlot(key), queue: (p) => p.zadd(key, "GT", ...chunk) });
      }
    }
    await execByNode(this.#client, commands, "RedisActivityStore.touchMany");
  }

  /** Last-seen times in the order asked (repeats included); `undefined` for users never seen. */
  async lastSeen(userIds: readonly UserId[]): Promise<(number | undefined)[]> {
    if (!Array.isArray(userIds)) {
      throw new FeedError("VALIDATION", "RedisActivityStore.lastSeen: userIds must be an array of ids", {
        field: "userIds",
      });
    }
    const byBucket = new Map<string, Set<UserId>>();
    for (const userId of userIds) {
      assertId(userId, "userIds");
      const key = this.#bucketKey(userId);
      const members = byBucket.get(key);
      if (members === undefined) byBucket.set(key, new Set([userId]));
      else members.add(userId);
    }
    const asked = [...byBucket].map(([key, members]) => ({ key, members: [...members] }));
    const replies = await execByNode(
      this.#client,
      asked.map(({ key, members }) => ({ slot: keySlot(key), queue: (p) => p.zmscore(key, ...members) })),
      "RedisActivityStore.lastSeen",
    );
    const seen = new Map<UserId, number>();
    asked.forEach(({ members }, i) => {
      const scores = replies[i];
      if (!Array.isArray(scores)) throw toFeedError(`unexpected ZMSCORE reply ${String(scores)}`, "RedisActivityStore");
      members.forEach((userId, j) => {
        const score = scores[j];
        if (typeof score === "string") seen.set(userId, Number(score));
      });
    });
    return userIds.map((userId) => seen.get(userId));
  }

  /** The bucket of a user: FNV-1a (32-bit) of the id, modulo the bucket count; the bucket number is the hash tag. */
  #bucketKey(userId: UserId): string {
    let hash = 0x811c9dc5;
    for (let i = 0; i < userId.length; i++) hash = Math.imul(hash ^ userId.charCodeAt(i), 0x01000193);
    return `${this.#prefix}seen:{${(hash >>> 0) % this.#buckets}}`;
  }
}

function assertTime(at: unknown): asserts at is number {
  if (typeof at !== "number" || !Number.isFinite(at)) {
    throw new FeedError("VALIDATION", `RedisActivityStore: at must be a finite number of ms (got ${String(at)})`, {
      field: "at",
    });
  }
}
