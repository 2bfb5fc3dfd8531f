import { postStoreContract } from "@feed-engine/core/testing";
import { vi } from "vitest";
import { CassandraPostStore } from "../src/index.js";
import { testKeyspace } from "./test-keyspace.js";

// Each write here is a lightweight transaction (a Paxos round, several milliseconds on the shared two-core test
// machine), and one contract test inserts 3,616 posts one after another: give this file's tests longer than the
// default.
vi.setConfig({ testTimeout: 180_000 });

const ks = testKeyspace("posts");
const TABLES = ["posts", "posts_by_author", "author_buckets", "post_counts", "reposts", "likes", "like_counts"];

postStoreContract("CassandraPostStore", async () => {
  await ks.truncate(...TABLES);
  return new CassandraPostStore({ client: ks.client, keyspace: ks.keyspace });
});
