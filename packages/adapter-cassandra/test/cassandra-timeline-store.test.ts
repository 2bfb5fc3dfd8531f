import { timelineStoreContract } from "@feed-engine/core/testing";
import { CassandraTimelineStore } from "../src/index.js";
import { testKeyspace } from "./test-keyspace.js";

const ks = testKeyspace("timelines");

for (const cap of [5, 12]) {
  timelineStoreContract(`CassandraTimelineStore (cap ${cap})`, async () => {
    await ks.truncate("timelines");
    return new CassandraTimelineStore({ client: ks.client, keyspace: ks.keyspace, cap });
  });
}
