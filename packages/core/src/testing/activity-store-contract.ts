import { describe, expect, it } from "vitest";
import type { ActivityStore } from "../ports/activity-store.js";

/**
 * The behaviour every {@link ActivityStore} must have, as a vitest suite. `factory` makes a fresh, empty store for
 * each test. Tests of the optional `touchMany` are skipped for stores without it.
 *
 * @example
 * activityStoreContract("MemoryActivityStore", () => new MemoryActivityStore());
 */
export function activityStoreContract(name: string, factory: () => ActivityStore | Promise<ActivityStore>): void {
  describe(`${name}: ActivityStore contract`, () => {
    it("knows nothing of users never seen", async () => {
      const store = await factory();
      expect(await store.lastSeen([])).toEqual([]);
      expect(await store.lastSeen(["1", "2"])).toEqual([undefined, undefined]);
    });

    it("answers in the order asked, repeats included", async () => {
      const store = await factory();
      await store.touch("1", 1_000);
      await store.touch("2", 2_000);
      expect(await store.lastSeen(["2", "3", "1", "2"])).toEqual([2_000, undefined, 1_000, 2_000]);
    });

    it("touch keeps the latest time", async () => {
      const store = await factory();
      const now = Date.UTC(2026, 0, 1);
      await store.touch("1", now);
      await store.touch("1", now - 60_000);
      expect(await store.lastSeen(["1"])).toEqual([now]);
      await store.touch("1", now + 1);
      expect(await store.lastSeen(["1"])).toEqual([now + 1]);
    });

    it("touchMany records many users at once", async (ctx) => {
      const store = await factory();
      if (store.touchMany === undefined) return ctx.skip();
      const now = Date.UTC(2026, 0, 1);
      await store.touchMany([]);
      await store.touchMany([
        ["1", now],
        ["2", now - 5],
        ["9223372036854775807", now - 7],
      ]);
      expect(await store.lastSeen(["1", "2", "3", "9223372036854775807"])).toEqual([now, now - 5, undefined, now - 7]);
      await store.touchMany([["2", now + 5]]);
      await store.touch("1", now + 9);
      expect(await store.lastSeen(["1", "2"])).toEqual([now + 9, now + 5]);
    });
  });
}
