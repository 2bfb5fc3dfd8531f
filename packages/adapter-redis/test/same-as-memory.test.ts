import { MemoryTimelineStore, type TimelineStore } from "@feed-engine/core";
import fc from "fast-check";
import type { Cluster, Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { RedisTimelineStore } from "../src/index.js";
import { redisTestClients } from "./redis-clients.js";

/**
 * Model-based: random sequences of every TimelineStore call, run on the Redis store and on the in-memory reference
 * side by side; every reply and, after each step, every timeline must be the same. The ids include the edges of the
 * two 32-bit halves the Lua scripts compare, of doubles (2^53 + 1) and of ids (2^63 - 1).
 */

const { client, cluster, prefix } = redisTestClients();
const seed = Number(process.env.FEED_PROPERTY_SEED ?? 20261121);
const numRuns = Number(process.env.FEED_PROPERTY_RUNS ?? 300);

const users = ["1", "2", "3"];
/** Ids at the edges of the two 32-bit halves the Lua scripts compare, of doubles (2^53 + 1) and of ids (2^63 - 1). */
const edges = [
  "4294967295",
  "4294967296",
  "4294967297",
  "9007199254740992",
  "9007199254740993",
  "9223372036854775806",
  "9223372036854775807",
];

type Step =
  | { op: "prepare"; user: string }
  | { op: "fill"; user: string; ids: string[]; floor: string }
  | { op: "push"; users: string[]; id: string }
  | { op: "pushNewest"; users: string[]; count: number }
  | { op: "merge"; user: string; ids: string[]; floor: string }
  | { op: "read"; user: string; before: string | undefined; limit: number }
  | { op: "remove"; user: string; ids: string[] }
  | { op: "removeFromMany"; users: string[]; id: string }
  | { op: "drop"; user: string };

/**
 * Steps over ids 1..`pool` and the edges. `pushNewest` pushes `count` ids above every id used so far, one at a time,
 * as fan-out mostly does: with a cap of 40 that grows timelines past 256 bytes (read in pieces, not whole) and into
 * the cap, where pushes append in place and leave stale entries under the floor.
 */
function steps(pool: number, cap: number): fc.Arbitrary<Step[]> {
  const user = fc.constantFrom(...users);
  const id = fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: pool }).map(String), weight: 4 },
    { arbitrary: fc.constantFrom(...edges), weight: 1 },
  );
  const floor = fc.oneof(fc.constant("0"), id);
  const ids = fc.array(id, { maxLength: cap + 4 });
  const some = fc.array(user, { maxLength: 4 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    { arbitrary: fc.record({ op: fc.constant("prepare" as const), user }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant("fill" as const), user, ids, floor }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant("push" as const), users: some, id }), weight: 6 },
    {
      arbitrary: fc.record({
        op: fc.constant("pushNewest" as const),
        users: some,
        count: fc.integer({ min: 1, max: cap + 3 }),
      }),
      weight: 3,
    },
    { arbitrary: fc.record({ op: fc.constant("merge" as const), user, ids, floor }), weight: 2 },
    {
      arbitrary: fc.record({
        op: fc.constant("read" as const),
        user,
        before: fc.option(id, { nil: undefined }),
        limit: fc.integer({ min: 0, max: cap + 2 }),
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({ op: fc.constant("remove" as const), user, ids: fc.array(id, { maxLength: 3 }) }),
      weight: 1,
    },
    { arbitrary: fc.record({ op: fc.constant("removeFromMany" as const), users: some, id }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant("drop" as const), user }), weight: 1 },
  );
  return fc.array(step, { minLength: 1, maxLength: 30 });
}

async function apply(store: TimelineStore, s: Step, newest: { next: bigint }): Promise<unknown> {
  switch (s.op) {
    case "prepare":
      return store.prepare(s.user);
    case "fill":
      return store.fill(s.user, s.ids, s.floor);
    case "push":
      return store.push(s.users, s.id);
    case "pushNewest": {
      const held: number[] = [];
      for (let i = 0; i < s.count; i++) held.push(await store.push(s.users, String(newest.next++)));
      return held;
    }
    case "merge":
      return store.merge(s.user, s.ids, s.floor);
    case "read":
      return store.read(s.user, s.before === undefined ? { limit: s.limit } : { before: s.before, limit: s.limit });
    case "remove":
      return store.remove(s.user, s.ids);
    case "removeFromMany":
      return store.removeFromMany(s.users, s.id);
    case "drop":
      return store.drop(s.user);
  }
}

/** Every timeline, whole (`null` unless complete). */
async function snapshot(store: TimelineStore) {
  return Promise.all(users.map((u) => store.read(u, { limit: 100 })));
}

function sameAsMemory(name: string, redis: () => Redis | Cluster, cap: number, pool: number) {
  it(`${name}: every call answers as MemoryTimelineStore does (cap ${cap}, seed ${seed}, ${numRuns} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(steps(pool, cap), async (sequence) => {
        const memory = new MemoryTimelineStore({ cap });
        const store = new RedisTimelineStore({ client: redis(), prefix: prefix.fresh(), cap });
        // Above the pool, below the edges: newer than every id but the edge ones.
        const onRedis = { next: 1_000_000n };
        const inMemory = { next: 1_000_000n };
        for (const s of sequence) {
          expect(await apply(store, s, onRedis)).toEqual(await apply(memory, s, inMemory));
          expect(await snapshot(store)).toEqual(await snapshot(memory));
        }
        // Prepared timelines read null; completing them shows what pushes and merges left in them.
        for (const u of users) {
          await store.fill(u, [], "0");
          await memory.fill(u, [], "0");
        }
        expect(await snapshot(store)).toEqual(await snapshot(memory));
      }),
      { seed, numRuns, verbose: 1 },
    );
  });
}

describe("RedisTimelineStore against the in-memory reference", () => {
  sameAsMemory("standalone", () => client, 5, 24);
  sameAsMemory("standalone", () => client, 3, 24);
  sameAsMemory("standalone, past 256 bytes, read in pieces", () => client, 40, 120);
  sameAsMemory("cluster", () => cluster, 5, 24);
  sameAsMemory("cluster, past 256 bytes, read in pieces", () => cluster, 40, 120);
});
