import { describe, expect, it } from "vitest";
import { migrate, migrations } from "../src/index.js";
import { codeOf, recordingClient, testKeyspace } from "./test-keyspace.js";

const ks = testKeyspace("migrate");

describe("migrate", () => {
  it("creates the keyspace and every table, records the versions, and does nothing the second time", async () => {
    const all = await migrations();
    expect(all.map((m) => m.version)).toEqual(all.map((_, i) => i + 1));
    await ks.client.connect();
    const first = await migrate({ client: ks.client, keyspace: ks.keyspace });
    expect(first).toEqual(all);
    expect(await migrate({ client: ks.client, keyspace: ks.keyspace })).toEqual([]);
    const { rows } = await ks.client.execute(`SELECT version, name FROM "${ks.keyspace}".schema_migrations`);
    expect(rows.map((r) => [r.version, r.name]).sort()).toEqual(all.map((m) => [m.version, m.name]).sort());
    const tables = await ks.client.execute("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", [
      ks.keyspace,
    ]);
    expect(tables.rows.map((r) => r.table_name as string).sort()).toEqual(
      [
        "author_buckets",
        "blocked_by",
        "blocks",
        "follow_counts",
        "followees",
        "followers",
        "like_counts",
        "likes",
        "notification_keys",
        "notification_read_marks",
        "notifications",
        "post_counts",
        "posts",
        "posts_by_author",
        "pulled_authors",
        "reposts",
        "schema_migrations",
        "timelines",
        "user_activity",
        "user_handles",
        "users",
      ].sort(),
    );
    const timelines = await ks.client.execute(
      "SELECT gc_grace_seconds FROM system_schema.tables WHERE keyspace_name = ? AND table_name = 'timelines'",
      [ks.keyspace],
    );
    expect(timelines.rows[0]?.gc_grace_seconds).toBe(10800);
  });

  it("completes a migration that stopped half way (every statement is IF NOT EXISTS)", async () => {
    await ks.ready();
    await ks.client.execute(`DELETE FROM "${ks.keyspace}".schema_migrations WHERE version = 3`);
    await ks.client.execute(`DROP TABLE "${ks.keyspace}".notification_read_marks`, [], { readTimeout: 120_000 });
    expect((await migrate({ client: ks.client, keyspace: ks.keyspace })).map((m) => m.version)).toEqual([3]);
    await ks.client.execute(`SELECT * FROM "${ks.keyspace}".notification_read_marks LIMIT 1`);
  });

  it("refuses hostile keyspace names and replication values before sending anything", async () => {
    const recorded = recordingClient(ks.client);
    for (const keyspace of ['x"; DROP KEYSPACE system; --', "a b", "1abc", "", "x".repeat(49), "{tag}"]) {
      expect(await codeOf(() => migrate({ client: recorded.client, keyspace }))).toBe("VALIDATION");
    }
    const replication = { class: "SimpleStrategy", replication_factor: "1'}; DROP KEYSPACE system; --" };
    expect(await codeOf(() => migrate({ client: recorded.client, keyspace: "fe_ok", replication }))).toBe("VALIDATION");
    expect(await codeOf(() => migrate({ client: recorded.client, keyspace: "fe_ok", replication: {} }))).toBe(
      "VALIDATION",
    );
    expect(recorded.statements).toEqual([]);
  });
});
