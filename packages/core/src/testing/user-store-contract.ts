import { beforeEach, describe, expect, it } from "vitest";
import { isFeedError } from "../errors/feed-error.js";
import type { UserRecord, UserStore } from "../ports/user-store.js";

/** Strings that break naive key building, SQL, globbing or C strings. */
const HOSTILE = ["'; DROP TABLE x;--", "{tag}", "*", "\u0000", "a\u0000b", "%", "_", "a:b", "?", "[a]", "\\", "😀"];

function user(id: string, handle: string, createdAt = 1_700_000_000_000): UserRecord {
  return { id, handle, displayName: `User ${handle}`, createdAt };
}

/** Runs a write that an adapter may reject (by returning false or throwing a FeedError); true when it was stored. */
async function accepted(write: () => Promise<boolean>): Promise<boolean> {
  try {
    return await write();
  } catch (error) {
    if (isFeedError(error)) return false;
    throw error;
  }
}

/**
 * The behaviour every {@link UserStore} must have. Call it from an adapter's test file with a factory that returns an
 * empty store (its own namespace) on every call. `createMany` is optional; its tests skip when it is missing.
 */
export function userStoreContract(name: string, factory: () => UserStore | Promise<UserStore>): void {
  describe(`${name}: UserStore contract`, () => {
    let store: UserStore;

    beforeEach(async () => {
      store = await factory();
    });

    it("stores a user and reads it back by id", async () => {
      const alice = user("1", "Alice");
      expect(await store.create(alice)).toBe(true);
      expect(await store.getMany(["1"])).toEqual([alice]);
    });

    it("returns users in the order asked, with undefined for unknown ids", async () => {
      await store.create(user("10", "ten"));
      await store.create(user("9", "nine"));
      const got = await store.getMany(["9", "404", "10", "9"]);
      expect(got.map((u) => u?.handle)).toEqual(["nine", undefined, "ten", "nine"]);
      expect(await store.getMany([])).toEqual([]);
    });

    it("refuses an existing id and changes nothing", async () => {
      await store.create(user("1", "alice"));
      expect(await store.create(user("1", "bob"))).toBe(false);
      expect((await store.getMany(["1"]))[0]?.handle).toBe("alice");
      expect(await store.getByHandle("bob")).toBeUndefined();
    });

    it("refuses a handle taken in any case and changes nothing", async () => {
      await store.create(user("1", "Alice"));
      expect(await store.create(user("2", "aLICE"))).toBe(false);
      expect(await store.create(user("3", "alice"))).toBe(false);
      expect(await store.getMany(["2", "3"])).toEqual([undefined, undefined]);
      expect((await store.getByHandle("ALICE"))?.id).toBe("1");
    });

    it("finds a handle without regard to case and returns it as registered", async () => {
      await store.create(user("1", "Mixed_Case9"));
      for (const handle of ["Mixed_Case9", "mixed_case9", "MIXED_CASE9"]) {
        expect(await store.getByHandle(handle)).toEqual(user("1", "Mixed_Case9"));
      }
      expect(await store.getByHandle("Mixed_Case")).toBeUndefined();
      expect(await store.getByHandle("")).toBeUndefined();
    });

    it("looks up many handles in the order asked", async () => {
      await store.create(user("1", "alice"));
      await store.create(user("2", "Bob"));
      const got = await store.getManyByHandle(["BOB", "nobody", "Alice", "bob"]);
      expect(got.map((u) => u?.id)).toEqual(["2", undefined, "1", "2"]);
      expect(await store.getManyByHandle([])).toEqual([]);
    });

    it("keeps the handle of a refused user free for later", async () => {
      await store.create(user("1", "alice"));
      expect(await store.create(user("1", "carol"))).toBe(false);
      expect(await store.create(user("2", "carol"))).toBe(true);
      expect((await store.getByHandle("CAROL"))?.id).toBe("2");
    });

    it("treats handle lookups as exact strings, never patterns", async () => {
      await store.create(user("1", "abc"));
      await store.create(user("2", "a_c_"));
      for (const pattern of ["a_c", "a%", "ab*", "a?c", "a[b]c", "*", "%", "_", ".*"]) {
        expect(await store.getByHandle(pattern)).toBeUndefined();
      }
      expect((await store.getByHandle("A_C_"))?.id).toBe("2");
    });

    it("stores hostile handles and names verbatim or rejects them, never corrupting other users", async () => {
      const bystander = user("1", "bystander");
      await store.create(bystander);
      let nextId = 100;
      for (const text of HOSTILE) {
        const id = String(nextId++);
        const hostile: UserRecord = { id, handle: text, displayName: text, createdAt: 5 };
        if (await accepted(() => store.create(hostile))) {
          expect(await store.getMany([id])).toEqual([hostile]);
          expect(await store.getByHandle(text)).toEqual(hostile);
        } else {
          expect(await store.getMany([id])).toEqual([undefined]);
        }
      }
      const named: UserRecord = { id: "2", handle: "named", displayName: HOSTILE.join(" "), createdAt: 6 };
      expect(await store.create(named)).toBe(true);
      expect(await store.getByHandle("NAMED")).toEqual(named);
      expect(await store.getMany(["1"])).toEqual([bystander]);
      expect(await store.getByHandle("bystander")).toEqual(bystander);
    });

    it("returns copies that callers cannot use to change the store", async () => {
      const alice = user("1", "alice");
      await store.create(alice);
      alice.displayName = "changed after create";
      const [got] = await store.getMany(["1"]);
      expect(got?.displayName).toBe("User alice");
      if (got !== undefined) got.handle = "mallory";
      const byHandle = await store.getByHandle("alice");
      expect(byHandle?.handle).toBe("alice");
      expect(await store.getByHandle("mallory")).toBeUndefined();
    });

    it("reports no pulled authors until some are marked", async () => {
      await store.create(user("1", "alice"));
      expect(await store.pulledAmong(["1", "2"])).toEqual([]);
      expect(await store.pulledAmong([])).toEqual([]);
    });

    it("remembers pulled authors for good, and marking twice is harmless", async () => {
      await store.markPulled("10");
      await store.markPulled("9");
      await store.markPulled("10");
      const pulled = await store.pulledAmong(["1", "9", "10", "11"]);
      expect([...pulled].sort()).toEqual(["10", "9"]);
      expect(await store.pulledAmong(["1", "11"])).toEqual([]);
      expect(await store.pulledAmong(["9"])).toEqual(["9"]);
    });

    it("marks authors pulled independently of the user records", async () => {
      await store.create(user("1", "alice"));
      await store.markPulled("1");
      expect(await store.getMany(["1"])).toEqual([user("1", "alice")]);
      expect(await store.create(user("1", "other"))).toBe(false);
      expect(await store.pulledAmong(["1"])).toEqual(["1"]);
    });

    describe("createMany", () => {
      /** The FeedError code a bulk create fails with, or "none". */
      async function codeOf(users: UserRecord[]): Promise<string> {
        try {
          await store.createMany!(users);
          return "none";
        } catch (error) {
          if (isFeedError(error)) return error.code;
          throw error;
        }
      }

      it("stores users in the order given, skipping taken ids and handles (stored or earlier in the call)", async (ctx) => {
        if (store.createMany === undefined) return ctx.skip();
        await store.create(user("1", "alice"));
        const batch = [
          user("1", "someone"),
          user("2", "ALICE"),
          user("3", "Bob"),
          user("4", "bOB"),
          user("5", "carol"),
          user("5", "dave"),
          user("6", "dave"),
          user("3", "erin"),
          user("7", "erin"),
        ];
        expect(await store.createMany(batch)).toBe(4);
        const got = await store.getMany(["1", "2", "3", "4", "5", "6", "7"]);
        expect(got.map((u) => u?.handle)).toEqual(["alice", undefined, "Bob", undefined, "carol", "dave", "erin"]);
        expect(await store.getByHandle("BOB")).toEqual(user("3", "Bob"));
        expect((await store.getManyByHandle(["Dave", "ERIN"])).map((u) => u?.id)).toEqual(["6", "7"]);
        expect(await store.createMany(batch)).toBe(0);
        expect(await store.createMany([])).toBe(0);
        expect(await store.create(user("8", "CAROL"))).toBe(false);
      });

      it("stores names verbatim and keeps its own copies", async (ctx) => {
        if (store.createMany === undefined) return ctx.skip();
        const names = ["tab\there\nnew\\line\r", "'; DROP TABLE users;--", "\\N", "\u0000", "a\u0000b\\0", '"{,}"', ""];
        const batch = names.map((name, i) => ({ ...user(String(10 + i), `n${i}`), displayName: name }));
        expect(await store.createMany(batch)).toBe(names.length);
        expect(await store.getMany(batch.map((u) => u.id))).toEqual(batch);
        batch[0]!.displayName = "changed";
        expect((await store.getByHandle("N0"))?.displayName).toBe(names[0]);
      });

      it("writes nothing when one record is bad, and says so with VALIDATION", async (ctx) => {
        if (store.createMany === undefined) return ctx.skip();
        const good = [user("1", "fine"), user("2", "also_fine")];
        const bad: UserRecord[] = [user("x1", "bad"), user("-3", "bad"), { ...user("3", "bad"), createdAt: 1.5 }];
        for (const b of bad) {
          expect(await codeOf([...good, b])).toBe("VALIDATION");
          expect(await codeOf([b, ...good])).toBe("VALIDATION");
        }
        expect(await store.getMany(["1", "2", "3"])).toEqual([undefined, undefined, undefined]);
        expect(await store.getByHandle("fine")).toBeUndefined();
        expect(await store.createMany(good)).toBe(2);
      });
    });
  });
}
