import { describe, expect, it } from "vitest";
import type { ImportUser } from "../src/engine/feed-engine.js";
import { importUsers } from "../src/engine/import.js";
import { MemoryUserStore } from "../src/memory/memory-user-store.js";
import type { UserStore } from "../src/ports/user-store.js";

/** The same memory store seen through the port without `createMany`, so the import takes its one-by-one path. */
function withoutCreateMany(store: MemoryUserStore): UserStore {
  return {
    create: (user) => store.create(user),
    getMany: (ids) => store.getMany(ids),
    getByHandle: (handle) => store.getByHandle(handle),
    getManyByHandle: (handles) => store.getManyByHandle(handles),
    markPulled: (id) => store.markPulled(id),
    pulledAmong: (ids) => store.pulledAmong(ids),
  };
}

/** A fixed-seed generator (no Math.random in tests). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Imports `rows` into a fresh store both ways; returns both results and both final states. */
async function bothWays(setup: (store: UserStore) => Promise<void>, rows: ImportUser[]) {
  const bulk = new MemoryUserStore();
  const single = new MemoryUserStore();
  await setup(bulk);
  await setup(single);
  const viaBulk = await importUsers({ users: bulk }, rows, 1_000);
  const viaSingle = await importUsers({ users: withoutCreateMany(single) }, rows, 1_000);
  const ids = [...new Set(rows.map((r) => r.id))];
  return { viaBulk, viaSingle, bulk: await bulk.getMany(ids), single: await single.getMany(ids) };
}

describe("importUsers", () => {
  it("counts imported, existing and rejected rows the same with createMany as one by one", async () => {
    const rows: ImportUser[] = [
      { id: "1", handle: "alice" },
      { id: "2", handle: "ALICE" },
      { id: "3", handle: "bob", displayName: "Bob" },
      { id: "3", handle: "BOB" },
      { id: "3", handle: "carol" },
      { id: "4", handle: "carol" },
      { id: "5", handle: "dave" },
      { id: "5", handle: "dave" },
      { id: "10", handle: "old_Name" },
      { id: "11", handle: "taken_elsewhere" },
      { id: "12", handle: "Existing" },
      { id: "x", handle: "bad_id" },
      { id: "13", handle: "bad handle" },
      { id: "14", handle: "erin", displayName: "\u0000" },
      { id: "15", handle: "frank", createdAt: 42 },
    ];
    const setup = async (store: UserStore) => {
      await store.create({ id: "10", handle: "OLD_name", displayName: "x", createdAt: 1 });
      await store.create({ id: "99", handle: "taken_elsewhere", displayName: "x", createdAt: 1 });
      await store.create({ id: "12", handle: "other", displayName: "x", createdAt: 1 });
    };
    const { viaBulk, viaSingle, bulk, single } = await bothWays(setup, rows);
    expect(viaBulk).toEqual({ imported: 5, existing: 3, rejected: 7 });
    expect(viaSingle).toEqual(viaBulk);
    expect(bulk).toEqual(single);
    expect(bulk.find((u) => u?.id === "15")?.createdAt).toBe(42);
    expect(bulk.find((u) => u?.id === "1")?.createdAt).toBe(1_000);
  });

  it("agrees with one by one over 25,000 colliding rows across chunks", async () => {
    const random = lcg(2024);
    const rows: ImportUser[] = Array.from({ length: 25_000 }, () => {
      const id = String(1 + Math.floor(random() * 20_000));
      // Mostly the id's own handle (re-runs find it existing), sometimes another one (clashes).
      const handle = random() < 0.7 ? `h${id}` : `h${Math.floor(random() * 20_000)}`;
      return { id, handle: random() < 0.5 ? handle : handle.toUpperCase() };
    });
    const setup = async (store: UserStore) => {
      for (let i = 0; i < 2_000; i++)
        await store.create({ id: String(i * 7), handle: `h${i * 3}`, displayName: "", createdAt: 1 });
    };
    const { viaBulk, viaSingle, bulk, single } = await bothWays(setup, rows);
    expect(viaBulk).toEqual(viaSingle);
    expect(viaBulk.imported + viaBulk.existing + viaBulk.rejected).toBe(rows.length);
    expect(viaBulk.imported).toBeGreaterThan(5_000);
    expect(viaBulk.existing).toBeGreaterThan(100);
    expect(viaBulk.rejected).toBeGreaterThan(100);
    expect(bulk).toEqual(single);
  });

  it("falls back to one by one when the store refuses the chunk, so the other rows still load", async () => {
    const rows: ImportUser[] = [
      { id: "1", handle: "a" },
      { id: "2", handle: "b", createdAt: 1.5 },
      { id: "3", handle: "A" },
    ];
    const { viaBulk, viaSingle, bulk } = await bothWays(async () => {}, rows);
    expect(viaBulk).toEqual({ imported: 2, existing: 0, rejected: 1 });
    expect(viaSingle).toEqual(viaBulk);
    expect(bulk.map((u) => u?.handle)).toEqual(["a", "b", undefined]);
  });
});
