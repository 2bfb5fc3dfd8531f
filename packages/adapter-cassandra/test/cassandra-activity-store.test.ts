import { activityStoreContract } from "@feed-engine/core/testing";
import { describe, expect, it } from "vitest";
import { CassandraActivityStore } from "../src/index.js";
import { codeOf, testKeyspace } from "./test-keyspace.js";

const ks = testKeyspace("activity");

activityStoreContract("CassandraActivityStore", async () => {
  await ks.truncate("user_activity");
  return new CassandraActivityStore({ client: ks.client, keyspace: ks.keyspace });
});

describe("CassandraActivityStore", () => {
  it("keeps the latest time of a user named twice in one touchMany, and refuses bad ids and times", async () => {
    await ks.truncate("user_activity");
    const store = new CassandraActivityStore({ client: ks.client, keyspace: ks.keyspace });
    await store.touchMany([
      ["7", 5_000],
      ["7", 9_000],
      ["7", 1_000],
    ]);
    expect(await store.lastSeen(["7"])).toEqual([9_000]);
    expect(await codeOf(() => store.touch("x", 1))).toBe("VALIDATION");
    expect(await codeOf(() => store.touch("1", 1.5))).toBe("VALIDATION");
    expect(await codeOf(() => store.touch("1", -1))).toBe("VALIDATION");
    expect(await codeOf(() => store.lastSeen(["1", "-2"]))).toBe("VALIDATION");
  });
});
