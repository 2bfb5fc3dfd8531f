/**
 * Contract suites for adapter authors: each port's behaviour written once, run against every adapter.
 *
 * ```ts
 * import { timelineStoreContract } from "@feed-engine/core/testing";
 * timelineStoreContract("RedisTimelineStore", () => new RedisTimelineStore({ client, prefix: randomPrefix() }));
 * ```
 */
export { activityStoreContract } from "./activity-store-contract.js";
export { eventBusContract } from "./event-bus-contract.js";
export { graphStoreContract } from "./graph-store-contract.js";
export { type HomeContextFixture, homeContextStoreContract } from "./home-context-store-contract.js";
export {
  defaultPolicies,
  type ExternalBus,
  enginePropertySuite,
  PROPERTY_SUITE_SETTINGS,
  type PropertySuiteOptions,
  type RunStores,
} from "./model/property-suite.js";
export { notificationStoreContract } from "./notification-store-contract.js";
export { postStoreContract } from "./post-store-contract.js";
export { timelineStoreContract } from "./timeline-store-contract.js";
export { userStoreContract } from "./user-store-contract.js";
