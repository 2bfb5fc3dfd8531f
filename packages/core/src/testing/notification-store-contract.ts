import { describe, expect, it } from "vitest";
import type { NotificationRecord, NotificationType } from "../domain/types.js";
import type { Id } from "../ids/id.js";
import type { NotificationStore } from "../ports/notification-store.js";

/** A notification for recipient "1" unless told otherwise; the key defaults to one per id. */
function note(id: Id, fields: Partial<NotificationRecord> = {}): NotificationRecord {
  const type: NotificationType = fields.type ?? "like";
  return {
    id,
    recipientId: "1",
    type,
    actorId: "2",
    postId: "7",
    at: Number(id),
    key: `${type}:${id}`,
    ...fields,
  };
}

/** The ids of a list, in order. */
const ids = (records: readonly NotificationRecord[]) => records.map((r) => r.id);

/**
 * The behaviour every {@link NotificationStore} must have, as a vitest suite. `factory` makes a fresh, empty store for
 * each test.
 *
 * @example
 * notificationStoreContract("MemoryNotificationStore", () => new MemoryNotificationStore());
 */
export function notificationStoreContract(
  name: string,
  factory: () => NotificationStore | Promise<NotificationStore>,
): void {
  describe(`${name}: NotificationStore contract`, () => {
    it("lists nothing for a recipient without notifications", async () => {
      const store = await factory();
      expect(await store.list("1", { limit: 10 })).toEqual([]);
      expect(await store.readMark("1")).toBeUndefined();
    });

    it("stores a notification as given, once per key", async () => {
      const store = await factory();
      const record = note("10");
      const follow = note("11", { type: "follow", key: "follow:3", actorId: "3", postId: undefined });
      delete follow.postId;
      expect(await store.upsert(record)).toBe(true);
      expect(await store.upsert(follow)).toBe(true);
      expect(await store.upsert({ ...record })).toBe(false);
      expect(await store.list("1", { limit: 10 })).toEqual([follow, record]);
    });

    it("keeps the record with the larger id for one key, and moves it to its place", async () => {
      const store = await factory();
      await store.upsert(note("10", { key: "like:7:2" }));
      await store.upsert(note("20"));
      expect(await store.upsert(note("30", { key: "like:7:2", at: 3 }))).toBe(true);
      expect(await store.list("1", { limit: 10 })).toEqual([note("30", { key: "like:7:2", at: 3 }), note("20")]);
      expect(await store.upsert(note("25", { key: "like:7:2" }))).toBe(false);
      expect(await store.upsert(note("9", { key: "like:7:2" }))).toBe(false);
      expect(ids(await store.list("1", { limit: 10 }))).toEqual(["30", "20"]);
    });

    it("orders by id numerically, newest first", async () => {
      const store = await factory();
      for (const id of ["9", "100", "10", "99", "9223372036854775807", "9007199254740993", "9007199254740992"]) {
        await store.upsert(note(id));
      }
      expect(ids(await store.list("1", { limit: 10 }))).toEqual([
        "9223372036854775807",
        "9007199254740993",
        "9007199254740992",
        "100",
        "99",
        "10",
        "9",
      ]);
    });

    it("lists below `before` (exclusive), at most `limit`, page by page", async () => {
      const store = await factory();
      const all = ["70", "60", "50", "40", "30", "20", "10"];
      for (const id of [...all].reverse()) await store.upsert(note(id));
      expect(ids(await store.list("1", { before: "50", limit: 2 }))).toEqual(["40", "30"]);
      expect(ids(await store.list("1", { before: "55", limit: 10 }))).toEqual(["50", "40", "30", "20", "10"]);
      expect(ids(await store.list("1", { before: "10", limit: 10 }))).toEqual([]);
      const seen: Id[] = [];
      let before: Id | undefined;
      // Bounded, so a store that ignores `before` fails instead of looping forever.
      for (let pages = 0; pages <= all.length; pages++) {
        const page = await store.list("1", before === undefined ? { limit: 3 } : { before, limit: 3 });
        expect(page.length).toBeLessThanOrEqual(3);
        if (page.length === 0) break;
        seen.push(...ids(page));
        before = page[page.length - 1]!.id;
      }
      expect(seen).toEqual(all);
    });

    it("keeps recipients apart", async () => {
      const store = await factory();
      await store.upsert(note("10", { key: "k" }));
      await store.upsert(note("20", { recipientId: "2", key: "k" }));
      expect(ids(await store.list("1", { limit: 10 }))).toEqual(["10"]);
      expect(ids(await store.list("2", { limit: 10 }))).toEqual(["20"]);
      expect(await store.remove("2", "k")).toBe(true);
      expect(ids(await store.list("1", { limit: 10 }))).toEqual(["10"]);
      await store.markRead("1", "10");
      expect(await store.readMark("2")).toBeUndefined();
    });

    it("removes by key, and says whether there was one", async () => {
      const store = await factory();
      await store.upsert(note("10"));
      await store.upsert(note("20"));
      expect(await store.remove("1", note("10").key)).toBe(true);
      expect(await store.remove("1", note("10").key)).toBe(false);
      expect(await store.remove("1", "no-such-key")).toBe(false);
      expect(await store.remove("404", "no-such-key")).toBe(false);
      expect(ids(await store.list("1", { limit: 10 }))).toEqual(["20"]);
      expect(await store.upsert(note("10"))).toBe(true);
      expect(ids(await store.list("1", { limit: 10 }))).toEqual(["20", "10"]);
    });

    it("raises the read mark and never lowers it", async () => {
      const store = await factory();
      await store.markRead("1", "10");
      expect(await store.readMark("1")).toBe("10");
      await store.markRead("1", "9");
      expect(await store.readMark("1")).toBe("10");
      await store.markRead("1", "100");
      expect(await store.readMark("1")).toBe("100");
      await store.markRead("1", "100");
      expect(await store.readMark("1")).toBe("100");
    });

    it("shares no objects with callers", async () => {
      const store = await factory();
      const record = note("10");
      await store.upsert(record);
      record.actorId = "999";
      const [listed] = await store.list("1", { limit: 1 });
      expect(listed).toEqual(note("10"));
      listed!.actorId = "999";
      expect(await store.list("1", { limit: 1 })).toEqual([note("10")]);
    });
  });
}
