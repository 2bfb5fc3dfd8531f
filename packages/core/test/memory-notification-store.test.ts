import { MemoryNotificationStore } from "../src/memory/memory-notification-store.js";
import { notificationStoreContract } from "../src/testing/notification-store-contract.js";

notificationStoreContract("MemoryNotificationStore", () => new MemoryNotificationStore());
