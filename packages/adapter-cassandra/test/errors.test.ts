import { FeedError, isFeedError } from "@feed-engine/core";
import cassandra from "cassandra-driver";
import { describe, expect, it } from "vitest";
import { CassandraPostStore, mapCassandraError } from "../src/index.js";
import { testKeyspace } from "./test-keyspace.js";

const ks = testKeyspace("errors");

async function thrown(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("mapCassandraError", () => {
  it("maps an unreachable node to UNAVAILABLE with the cassandra: prefix", async () => {
    const client = new cassandra.Client({
      contactPoints: ["127.0.0.1:1"],
      localDataCenter: "datacenter1",
      socketOptions: { connectTimeout: 500 },
    });
    try {
      const store = new CassandraPostStore({ client, keyspace: "nowhere" });
      const error = await thrown(() => store.get("1"));
      expect(isFeedError(error, "UNAVAILABLE")).toBe(true);
      expect((error as Error).message).toMatch(/^cassandra: CassandraPostStore\.get: cannot reach Cassandra/);
      expect((error as Error).cause).toBeInstanceOf(cassandra.errors.NoHostAvailableError);
    } finally {
      await client.shutdown();
    }
  });

  it("maps a keyspace that was never migrated to UNAVAILABLE with a hint to run migrate", async () => {
    await ks.ready();
    const store = new CassandraPostStore({ client: ks.client, keyspace: "fe_never_migrated_here" });
    const error = await thrown(() => store.get("1"));
    expect(isFeedError(error, "UNAVAILABLE")).toBe(true);
    expect((error as Error).message).toContain("run migrate({ client, keyspace })");
  });

  it("maps the server's invalid-request answers to VALIDATION and timeouts to UNAVAILABLE", async () => {
    await ks.ready();
    const invalid = await thrown(() => ks.client.execute("SELECT * FROM system.local WHERE key = ? AND key = ?", [1]));
    const mapped = mapCassandraError(invalid, "test");
    expect(isFeedError(mapped, "VALIDATION")).toBe(true);
    expect(mapped.message).toMatch(/^cassandra: test: Cassandra refused a value/);
    const timeout = new cassandra.errors.ResponseError(cassandra.types.responseErrorCodes.writeTimeout, "timed out");
    const written = mapCassandraError(timeout, "test");
    expect(isFeedError(written, "UNAVAILABLE")).toBe(true);
    expect(written.message).toContain("may or may not have been applied");
    const overloaded = new cassandra.errors.ResponseError(cassandra.types.responseErrorCodes.overloaded, "busy");
    expect(isFeedError(mapCassandraError(overloaded, "test"), "UNAVAILABLE")).toBe(true);
    const client = new cassandra.errors.OperationTimedOutError("no reply", "127.0.0.1:9042");
    expect(isFeedError(mapCassandraError(client, "test"), "UNAVAILABLE")).toBe(true);
  });

  it("returns bugs (syntax errors, plain errors) and FeedErrors unchanged", async () => {
    await ks.ready();
    const syntax = await thrown(() => ks.client.execute("SELEKT 1"));
    expect(mapCassandraError(syntax, "test")).toBe(syntax);
    const bug = new TypeError("x is undefined");
    expect(mapCassandraError(bug, "test")).toBe(bug);
    const feed = new FeedError("CONFLICT", "taken");
    expect(mapCassandraError(feed, "test")).toBe(feed);
    expect(mapCassandraError("text", "test").message).toBe("cassandra: test: text");
  });
});
