import type { NotificationRecord } from "@feed-engine/core";
import { notificationStoreContract } from "@feed-engine/core/testing";
import { describe, expect, it } from "vitest";
import { PostgresNotificationStore } from "../src/index.js";
import { codeOf, recordingPool, testDatabase } from "./test-database.js";

const db = testDatabase();
const freshStore = async () => new PostgresNotificationStore({ pool: db.pool, schema: await db.freshSchema() });

notificationStoreContract("PostgresNotificationStore", freshStore);

function note(id: string, fields: Partial<NotificationRecord> = {}): NotificationRecord {
  return {
    id,
    recipientId: "1",
    type: "like",
    actorId: "2",
    postId: "7",
    at: 1_700_000_000_000,
    key: `like:${id}`,
    ...fields,
  };
}

describe("PostgresNotificationStore", () => {
  it("keeps the largest id per key when redeliveries race", async () => {
    const store = await freshStore();
    const ids = Array.from({ length: 30 }, (_, i) => String(1000 + ((i * 7) % 30)));
    await Promise.all(ids.map((id) => store.upsert(note(id, { key: "like:7:2", at: Number(id) }))));
    expect(await store.list("1", { limit: 10 })).toEqual([note("1029", { key: "like:7:2", at: 1029 })]);
  });

  it("stores hostile keys verbatim and finds them exactly", async () => {
    const schema = await db.freshSchema();
    const store = new PostgresNotificationStore({ pool: db.pool, schema });
    const keys = ["'; DROP TABLE notifications;--", "{tag}", "*", "%", "_", "like:%", "\\", "😀", "a\nb", ""];
    for (const [i, key] of keys.entries()) expect(await store.upsert(note(String(100 + i), { key }))).toBe(true);
    expect((await store.list("1", { limit: 100 })).map((n) => n.key)).toEqual([...keys].reverse());
    expect(await store.remove("1", "like:")).toBe(false);
    expect(await store.remove("1", "%")).toBe(true);
    expect(await store.list("1", { limit: 100 })).toHaveLength(keys.length - 1);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "${schema}".notifications`);
    expect(rows[0].n).toBe(keys.length - 1);
  });

  it("keeps ids up to 2^63 - 1 and rejects larger ones before any query", async () => {
    const recorded = recordingPool(db.pool);
    const store = new PostgresNotificationStore({ pool: recorded.pool, schema: await db.freshSchema() });
    await store.upsert(note("9223372036854775807", { at: Number("9223372036854775807") }));
    await store.markRead("1", "9223372036854775807");
    expect(await store.readMark("1")).toBe("9223372036854775807");
    expect((await store.list("1", { before: "9223372036854775807", limit: 5 })).length).toBe(0);
    recorded.statements.length = 0;
    for (const bad of ["9223372036854775808", "18446744073709551616", "-1", "1e3", "12 ", "NaN"]) {
      expect(await codeOf(() => store.upsert(note(bad)))).toBe("VALIDATION");
      expect(await codeOf(() => store.list("1", { before: bad, limit: 5 }))).toBe("VALIDATION");
      expect(await codeOf(() => store.markRead("1", bad))).toBe("VALIDATION");
    }
    for (const bad of ["9223372036854775808", "x"]) {
      expect(await codeOf(() => store.upsert(note("5", { recipientId: bad })))).toBe("VALIDATION");
      expect(await codeOf(() => store.upsert(note("5", { actorId: bad })))).toBe("VALIDATION");
      expect(await codeOf(() => store.list(bad, { limit: 5 }))).toBe("VALIDATION");
    }
    expect(await codeOf(() => store.upsert(note("5", { key: "a\u0000b" })))).toBe("VALIDATION");
    expect(await codeOf(() => store.upsert(note("5", { key: "k".repeat(1025) })))).toBe("VALIDATION");
    expect(await codeOf(() => store.upsert(note("5", { type: "poke" as "like" })))).toBe("VALIDATION");
    expect(await codeOf(() => store.upsert(note("5", { at: Number.POSITIVE_INFINITY })))).toBe("VALIDATION");
    expect(recorded.statements).toEqual([]);
  });
});
