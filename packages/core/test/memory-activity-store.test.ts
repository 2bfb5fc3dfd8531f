import { MemoryActivityStore } from "../src/memory/memory-activity-store.js";
import { activityStoreContract } from "../src/testing/activity-store-contract.js";

activityStoreContract("MemoryActivityStore", () => new MemoryActivityStore());
