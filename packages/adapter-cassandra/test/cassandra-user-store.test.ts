import { userStoreContract } from "@feed-engine/core/testing";
import { CassandraUserStore } from "../src/index.js";
import { testKeyspace } from "./test-keyspace.js";

const ks = testKeyspace("users");

userStoreContract("CassandraUserStore", async () => {
  await ks.truncate("users", "user_handles", "pulled_authors");
  return new CassandraUserStore({ client: ks.client, keyspace: ks.keyspace });
});
