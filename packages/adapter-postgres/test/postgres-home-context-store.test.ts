import { homeContextStoreContract } from "@feed-engine/core/testing";
import { describe, expect, it } from "vitest";
import { PostgresGraphStore, PostgresHomeContextStore, PostgresPostStore, PostgresUserStore } from "../src/index.js";
import { codeOf, recordingPool, testDatabase } from "./test-database.js";

const db = testDatabase();

homeContextStoreContract("PostgresHomeContextStore", async () => {
  const schema = await db.freshSchema();
  const pool = db.pool;
  return {
    homeContext: new PostgresHomeContextStore({ pool, schema }),
    users: new PostgresUserStore({ pool, schema }),
    graph: new PostgresGraphStore({ pool, schema }),
    posts: new PostgresPostStore({ pool, schema }),
  };
});

describe("PostgresHomeContextStore", () => {
  it("refuses malformed ids with VALIDATION, before querying", async () => {
    const recorded = recordingPool(db.pool);
    const store = new PostgresHomeContextStore({ pool: recorded.pool, schema: await db.freshSchema() });
    for (const id of ["9223372036854775808", "1; DROP TABLE users", "-1", "{1}", "", "a\u0000b"]) {
      expect(await codeOf(() => store.homeContext(id, { limit: 20 }))).toBe("VALIDATION");
      expect(await codeOf(() => store.homeContext("1", { before: id, limit: 20 }))).toBe("VALIDATION");
      const entries = { ids: ["5", id], floor: "1" };
      expect(await codeOf(() => store.homeContext("1", { limit: 20, timeline: entries }))).toBe("VALIDATION");
      const floor = { ids: ["5"], floor: id };
      expect(await codeOf(() => store.homeContext("1", { limit: 20, timeline: floor }))).toBe("VALIDATION");
    }
    expect(recorded.statements).toEqual([]);
  });

  it("is one statement per read", async () => {
    const recorded = recordingPool(db.pool);
    const schema = await db.freshSchema();
    const users = new PostgresUserStore({ pool: db.pool, schema });
    await users.create({ id: "1", handle: "one", displayName: "One", createdAt: 1 });
    const store = new PostgresHomeContextStore({ pool: recorded.pool, schema });
    expect(await store.homeContext("1", { limit: 20 })).toEqual({ followees: [], pulled: [], blocked: [], recent: [] });
    expect(recorded.statements).toHaveLength(1);
    // With the reader's timeline entries, the hydration is in the same statement.
    const posts = new PostgresPostStore({ pool: db.pool, schema });
    // Text the JSON path must carry exactly: NUL (stored escaped), backslashes, quotes, braces, newlines, emoji.
    const text = 'it\'s {tag} * \u0000 \\ "q" \n\t \u{1F600} \\u0000';
    const media = ["https://m.example/a\u0000b.png", "https://m.example/\\.png"];
    await posts.insert({ id: "7", authorId: "1", text, createdAt: 1, mentions: ["1"], media, deleted: false });
    const repost = { postId: "7", authorId: "1" };
    await posts.insert({
      id: "8",
      authorId: "1",
      text: "",
      createdAt: 2,
      mentions: [],
      media: [],
      deleted: false,
      repostOf: repost,
    });
    const context = await store.homeContext("1", { limit: 20, timeline: { ids: ["8", "7"], floor: "0" } });
    expect(context?.hydrated).toEqual(await posts.hydrate(["7", "8"]));
    expect(context?.hydrated?.get("7")?.post).toMatchObject({ text, media, mentions: ["1"] });
    expect(context?.hydrated?.get("8")?.original?.text).toBe(text);
    expect(recorded.statements).toHaveLength(2);
  });
});
