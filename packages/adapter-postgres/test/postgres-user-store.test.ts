import { createFeedEngine, MemoryUserStore, type UserRecord } from "@feed-engine/core";
import { userStoreContract } from "@feed-engine/core/testing";
import { describe, expect, it } from "vitest";
import { PostgresUserStore } from "../src/index.js";
import { codeOf, testDatabase } from "./test-database.js";

const db = testDatabase();
const freshStore = async () => new PostgresUserStore({ pool: db.pool, schema: await db.freshSchema() });

userStoreContract("PostgresUserStore", freshStore);

function user(id: string, handle: string, displayName = `User ${handle}`): UserRecord {
  return { id, handle, displayName, createdAt: 1_700_000_000_000 };
}

describe("PostgresUserStore", () => {
  it("refuses ids above 2^63 - 1 and malformed ids with VALIDATION, before querying", async () => {
    const store = await freshStore();
    expect(await codeOf(() => store.create(user("9223372036854775807", "max")))).toBe("none");
    for (const id of ["9223372036854775808", "18446744073709551615", "-1", "01", "1.5", "", "1e3", " 1"]) {
      expect(await codeOf(() => store.create(user(id, `h${id.length}`)))).toBe("VALIDATION");
      expect(await codeOf(() => store.getMany([id]))).toBe("VALIDATION");
      expect(await codeOf(() => store.markPulled(id))).toBe("VALIDATION");
    }
    expect((await store.getMany(["9223372036854775807"]))[0]?.handle).toBe("max");
  });

  it("refuses handles with NUL, unpaired surrogates or over 1 kB with VALIDATION; lookups of them find nothing", async () => {
    const store = await freshStore();
    const bad = ["a\u0000b", "\ud800", "h".repeat(1025), "😀".repeat(300)];
    for (const [i, handle] of bad.entries()) {
      expect(await codeOf(() => store.create(user(String(i + 1), handle)))).toBe("VALIDATION");
      expect(await store.getByHandle(handle)).toBeUndefined();
    }
    expect(await store.getMany(["1", "2", "3", "4"])).toEqual([undefined, undefined, undefined, undefined]);
    expect(await store.create(user("10", "h".repeat(1024)))).toBe(true);
    expect((await store.getByHandle("H".repeat(1024)))?.id).toBe("10");
  });

  it("keeps display names verbatim, NUL and backslashes included (escaped and flagged in the row)", async () => {
    const schema = await db.freshSchema();
    const store = new PostgresUserStore({ pool: db.pool, schema });
    const names = ["x\u0000y", "\\0", "\\\u0000\\", "plain \\ backslash", "\u0000"];
    for (const [i, name] of names.entries()) {
      const u = user(String(i + 1), `n${i}`, name);
      expect(await store.create(u)).toBe(true);
      expect(await store.getByHandle(`N${i}`)).toEqual(u);
    }
    const { rows } = await db.pool.query(`SELECT display_name, nul_escaped FROM "${schema}".users ORDER BY id`);
    expect(rows).toEqual([
      { display_name: "x\\0y", nul_escaped: true },
      { display_name: "\\0", nul_escaped: false },
      { display_name: "\\\\\\0\\\\", nul_escaped: true },
      { display_name: "plain \\ backslash", nul_escaped: false },
      { display_name: "\\0", nul_escaped: true },
    ]);
  });

  it("folds A-Z only, like the memory store: non-ASCII letters keep their case", async () => {
    const store = await freshStore();
    expect(await store.create(user("1", "Émile"))).toBe(true);
    expect(await store.getByHandle("éMILE")).toBeUndefined();
    expect((await store.getByHandle("ÉMILE"))?.id).toBe("1");
    expect(await store.create(user("2", "émile"))).toBe(true);
  });

  it("imports users through createMany with the same counts as one by one (engine.importUsers)", async () => {
    const rows = [
      { id: "1", handle: "alice" },
      { id: "2", handle: "ALICE" },
      { id: "3", handle: "bob" },
      { id: "3", handle: "BOB" },
      { id: "3", handle: "carol" },
      { id: "4", handle: "carol" },
      { id: "10", handle: "old_Name" },
      { id: "11", handle: "taken_elsewhere" },
      { id: "12", handle: "Existing" },
      { id: "x", handle: "bad_id" },
      { id: "13", handle: "erin", displayName: "tab\there" },
    ];
    const seed = [user("10", "OLD_name"), user("99", "taken_elsewhere"), user("12", "other")];
    const pgStore = await freshStore();
    const memory = new MemoryUserStore();
    for (const u of seed) {
      await pgStore.create(u);
      await memory.create(u);
    }
    const viaPg = createFeedEngine({ stores: { users: pgStore } });
    const viaMemory = createFeedEngine({ stores: { users: memory } });
    try {
      const counts = await viaPg.importUsers(rows);
      expect(counts).toEqual({ imported: 4, existing: 2, rejected: 5 });
      expect(await viaMemory.importUsers(rows)).toEqual(counts);
      const ids = ["1", "2", "3", "4", "10", "11", "12", "13"];
      expect((await pgStore.getMany(ids)).map((u) => u?.handle)).toEqual(
        (await memory.getMany(ids)).map((u) => u?.handle),
      );
      expect(await viaPg.importUsers(rows)).toEqual({ imported: 0, existing: 6, rejected: 5 });
    } finally {
      await viaPg.close();
      await viaMemory.close();
    }
  });

  describe("createMany", () => {
    it("loads users with COPY, skipping taken ids and handles like create, first one wins", async () => {
      const store = await freshStore();
      await store.create(user("1", "alice"));
      const tricky = "tab\there\nnew\\line\r'; DROP TABLE users;--";
      const batch = [
        user("1", "someone"),
        user("2", "ALICE"),
        user("3", "bob", tricky),
        user("4", "BOB"),
        user("5", "carol"),
        user("5", "dave"),
      ];
      expect(await store.createMany(batch)).toBe(2);
      expect((await store.getMany(["1", "2", "3", "4", "5"])).map((u) => u?.handle)).toEqual([
        "alice",
        undefined,
        "bob",
        undefined,
        "carol",
      ]);
      expect((await store.getByHandle("BOB"))?.displayName).toBe(tricky);
      expect(await store.createMany([])).toBe(0);
    });

    it("writes nothing when one record is bad", async () => {
      const store = await freshStore();
      const batch = [user("1", "fine"), user("2", "nul\u0000")];
      expect(await codeOf(() => store.createMany(batch))).toBe("VALIDATION");
      expect(await store.getMany(["1"])).toEqual([undefined]);
    });

    it("loads 81,306 users (the ego-Twitter graph's size) quickly", async () => {
      const store = await freshStore();
      const users = Array.from({ length: 81_306 }, (_, i) => user(String(12_000_000 + i), `user_${i}`));
      const started = performance.now();
      expect(await store.createMany(users)).toBe(81_306);
      const ms = performance.now() - started;
      console.log(`createMany: 81,306 users in ${ms.toFixed(0)} ms`);
      expect((await store.getByHandle("USER_81305"))?.id).toBe("12081305");
    });
  });
});
