import { notificationStoreContract } from "@feed-engine/core/testing";
import { CassandraNotificationStore } from "../src/index.js";
import { testKeyspace } from "./test-keyspace.js";

const ks = testKeyspace("notifications");

notificationStoreContract("CassandraNotificationStore", async () => {
  await ks.truncate("notifications", "notification_keys", "notification_read_marks");
  return new CassandraNotificationStore({ client: ks.client, keyspace: ks.keyspace });
});
