/**
 * The timeline's cap strategy on the real server: trims only raise the floor, the rows left below it are removed by
 * one range delete per `purgeAfter` trims, and reads of the newest entries never meet a tombstone (checked in the
 * server's own query trace).
 */
import { describe, expect, it } from "vitest";
import { CassandraTimelineStore } from "../src/index.js";
import { recordingClient, testKeyspace } from "./test-keyspace.js";

const ks = testKeyspace("tombstones");

/** Ids from `from` down to `to`, as strings. */
function down(from: number, to: number): string[] {
  return Array.from({ length: from - to + 1 }, (_, i) => String(from - i));
}

async function liveRows(userId: string): Promise<number> {
  const { rows } = await ks.client.execute(
    `SELECT COUNT(*) AS n FROM "${ks.keyspace}".timelines WHERE user_id = ?`,
    [userId],
    { prepare: true },
  );
  return Number(rows[0]?.n);
}

/** What the server says it read for one traced page read: [live rows, tombstone cells]. */
async function tracedRead(userId: string, limit: number): Promise<[number, number]> {
  const result = await ks.client.execute(
    `SELECT post_id FROM "${ks.keyspace}".timelines WHERE user_id = ? LIMIT ?`,
    [userId, limit],
    { prepare: true, traceQuery: true },
  );
  const traceId = result.info.traceId!;
  // Trace events are written asynchronously after the answer.
  for (let attempt = 0; attempt < 50; attempt++) {
    const trace = await ks.client.metadata.getTrace(traceId);
    for (const event of trace.events as Array<{ activity: string }>) {
      const match = /Read (\d+) live rows?(?:, \d+ deleted rows?)? and (\d+) tombstone cells?/.exec(event.activity);
      if (match !== null) return [Number(match[1]), Number(match[2])];
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("no read event in the trace");
}

describe("CassandraTimelineStore cap strategy", () => {
  it("keeps exactly the newest cap entries, range-deletes trimmed rows in groups, and reads see no tombstones", async () => {
    await ks.truncate("timelines");
    const recorded = recordingClient(ks.client);
    const cap = 40;
    const store = new CassandraTimelineStore({ client: recorded.client, keyspace: ks.keyspace, cap, purgeAfter: 10 });
    await store.fill("1", [], "0");
    const pushes = 300;
    for (let n = 1; n <= pushes; n++) expect(await store.push(["1"], String(n))).toBe(1);
    expect(await store.read("1", { limit: cap + 10 })).toEqual({ ids: down(pushes, pushes - cap + 1), floor: "260" });
    // 260 trims: one range delete per 10, never one per trim.
    const purges = recorded.statements.filter((q) => q.includes("post_id <= ?")).length;
    expect(purges).toBe(26);
    expect(await liveRows("1")).toBeLessThanOrEqual(cap + 10);
    // The server counts the partition's static row as one more live row.
    expect(await tracedRead("1", 20)).toEqual([21, 0]);
    expect(await tracedRead("1", cap)).toEqual([cap + 1, 0]);
  });

  it("a rebuild of a trimmed timeline keeps the floor and purges what lies below it", async () => {
    await ks.truncate("timelines");
    const store = new CassandraTimelineStore({ client: ks.client, keyspace: ks.keyspace, cap: 10, purgeAfter: 100 });
    await store.fill("2", [], "0");
    for (let n = 1; n <= 25; n++) await store.push(["2"], String(n));
    expect(await liveRows("2")).toBe(25);
    await store.fill("2", ["3", "2"], "1");
    expect(await store.read("2", { limit: 50 })).toEqual({ ids: down(25, 16), floor: "15" });
    expect(await liveRows("2")).toBe(10);
  });

  it("a dropped timeline comes back at its old floor or higher, never lower", async () => {
    await ks.truncate("timelines");
    const store = new CassandraTimelineStore({ client: ks.client, keyspace: ks.keyspace, cap: 5 });
    await store.fill("3", down(20, 11), "0");
    expect(await store.read("3", { limit: 10 })).toEqual({ ids: down(20, 16), floor: "15" });
    await store.drop("3");
    expect(await store.read("3", { limit: 10 })).toBeNull();
    await store.prepare("3");
    await store.fill("3", ["18", "12"], "0");
    expect(await store.read("3", { limit: 10 })).toEqual({ ids: ["18"], floor: "15" });
  });
});
