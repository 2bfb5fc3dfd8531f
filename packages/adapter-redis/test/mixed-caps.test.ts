import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RedisTimelineStore } from "../src/index.js";
import { redisTestClients } from "./redis-clients.js";

/**
 * Stores with different caps on the same timelines (a cap changed between deploys), each step by a random one of
 * them: the invariants of src/lua/includes/timeline.lua must hold on the raw string after every step, and every read
 * must be complete above the floor it returns. `given` models what each timeline was given and not removed since.
 */

const { client, prefix } = redisTestClients({ cluster: false });
const seed = Number(process.env.FEED_PROPERTY_SEED ?? 20261121);
const numRuns = Number(process.env.FEED_PROPERTY_RUNS ?? 300);
const caps = [3, 30, 40] as const;
const users = ["1", "2"];

type Step =
  | { op: "prepare" | "drop"; cap: number; user: string }
  | { op: "fill" | "merge"; cap: number; user: string; ids: number[]; floor: number }
  | { op: "push"; cap: number; users: string[]; id: number }
  | { op: "pushNewest"; cap: number; users: string[]; count: number }
  | { op: "remove"; cap: number; user: string; ids: number[]; recent: number[] };

function steps(): fc.Arbitrary<Step[]> {
  const cap = fc.constantFrom(...caps);
  const user = fc.constantFrom(...users);
  const some = fc.uniqueArray(user, { maxLength: 2 });
  const id = fc.integer({ min: 1, max: 150 });
  const ids = fc.array(id, { maxLength: 45 });
  const floor = fc.oneof(fc.constant(0), id);
  return fc.array(
    fc.oneof(
      { arbitrary: fc.record({ op: fc.constantFrom("prepare" as const, "drop" as const), cap, user }), weight: 1 },
      {
        arbitrary: fc.record({ op: fc.constantFrom("fill" as const, "merge" as const), cap, user, ids, floor }),
        weight: 2,
      },
      { arbitrary: fc.record({ op: fc.constant("push" as const), cap, users: some, id }), weight: 4 },
      {
        arbitrary: fc.record({
          op: fc.constant("pushNewest" as const),
          cap,
          users: some,
          count: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 30, max: 50 })),
        }),
        weight: 4,
      },
      {
        arbitrary: fc.record({
          op: fc.constant("remove" as const),
          cap,
          user,
          ids: fc.array(id, { maxLength: 3 }),
          // How far below the newest pushed id: the entries a cap hides behind its implicit floor are among these.
          recent: fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 2 }),
        }),
        weight: 2,
      },
    ),
    { minLength: 1, maxLength: 25 },
  );
}

/** The raw timeline: header floor, entries; checks the invariants every writer keeps. */
async function raw(key: string): Promise<{ floor: bigint; entries: bigint[] } | null> {
  const value = await client.getBuffer(key);
  if (value === null) return null;
  expect((value.length - 9) % 8).toBe(0);
  const floor = value.readBigUInt64BE(0);
  const entries: bigint[] = [];
  for (let at = 9; at < value.length; at += 8) entries.push(value.readBigUInt64BE(at));
  for (let i = 1; i < entries.length; i++) expect(entries[i]! > entries[i - 1]!).toBe(true);
  if (entries.length > 0) expect(entries.at(-1)! > floor).toBe(true);
  return { floor, entries };
}

describe("RedisTimelineStore with stores of different caps on the same timelines", () => {
  it(`keeps the layout's invariants and reads complete above their floor (caps ${caps.join(", ")}, seed ${seed})`, async () => {
    await fc.assert(
      fc.asyncProperty(steps(), async (sequence) => {
        const base = prefix.fresh();
        const stores = new Map(caps.map((cap) => [cap, new RedisTimelineStore({ client, prefix: base, cap })]));
        // Every run starts from empty complete timelines, so that pushes land.
        for (const u of users) await stores.get(40)!.fill(u, [], "0");
        const given = new Map<string, Set<bigint> | undefined>(users.map((u) => [u, new Set()]));
        let newest = 1_000;
        for (const s of sequence) {
          const store = stores.get(s.cap as (typeof caps)[number])!;
          switch (s.op) {
            case "prepare":
              await store.prepare(s.user);
              if (given.get(s.user) === undefined) given.set(s.user, new Set());
              break;
            case "drop":
              await store.drop(s.user);
              given.set(s.user, undefined);
              break;
            case "fill":
            case "merge": {
              await store[s.op](s.user, s.ids.map(String), String(s.floor));
              const held = given.get(s.user) ?? (s.op === "fill" ? new Set<bigint>() : undefined);
              for (const id of s.ids) held?.add(BigInt(id));
              given.set(s.user, held);
              break;
            }
            case "push":
            case "pushNewest": {
              const ids = s.op === "push" ? [s.id] : Array.from({ length: s.count }, () => ++newest);
              for (const id of ids) {
                await store.push(s.users, String(id));
                for (const u of s.users) given.get(u)?.add(BigInt(id));
              }
              break;
            }
            case "remove": {
              const ids = [...s.ids, ...s.recent.map((back) => newest - back).filter((id) => id > 1_000)];
              await store.remove(s.user, ids.map(String));
              for (const id of ids) given.get(s.user)?.delete(BigInt(id));
              break;
            }
          }
          for (const u of users) {
            const timeline = await raw(store.keyOf(u));
            const held = given.get(u);
            expect(timeline === null).toBe(held === undefined);
            if (timeline === null || held === undefined) continue;
            // Above the header's floor: exactly what the timeline was given and still holds, whatever cap wrote it.
            const above = [...held].filter((id) => id > timeline.floor).sort((a, b) => (a < b ? -1 : 1));
            expect(timeline.entries.filter((id) => id > timeline.floor)).toEqual(above);
            for (const [cap, reader] of stores) {
              const slice = await reader.read(u, { limit: 1_000 });
              if (slice === null) continue;
              const floor = BigInt(slice.floor);
              expect(floor >= timeline.floor).toBe(true);
              expect(slice.ids.length).toBeLessThanOrEqual(cap);
              const expected = above
                .filter((id) => id > floor)
                .reverse()
                .map(String);
              expect(slice.ids).toEqual(expected);
            }
          }
        }
      }),
      { seed, numRuns, verbose: 1 },
    );
  });
});
