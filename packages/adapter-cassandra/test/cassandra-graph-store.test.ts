import { graphStoreContract } from "@feed-engine/core/testing";
import { vi } from "vitest";
import { CassandraGraphStore } from "../src/index.js";
import { testKeyspace } from "./test-keyspace.js";

// Each write here is a lightweight transaction (a Paxos round, several milliseconds on the shared two-core test
// machine), and one contract test adds 2,500 follows one after another: give this file's tests longer than the default.
vi.setConfig({ testTimeout: 180_000 });

const ks = testKeyspace("graph");

graphStoreContract("CassandraGraphStore", async () => {
  await ks.truncate("followees", "followers", "follow_counts", "blocks", "blocked_by");
  return new CassandraGraphStore({ client: ks.client, keyspace: ks.keyspace });
});
