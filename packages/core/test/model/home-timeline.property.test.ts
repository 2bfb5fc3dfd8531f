/**
 * The model-based property tests on the embedded default (in-memory stores), under the four policies of the issue,
 * plus a pull-only timeline store (the PostgreSQL-only deployment shape) under pull-all and push-all.
 */
import {
  MemoryGraphStore,
  MemoryHomeContextStore,
  MemoryPostStore,
  MemoryUserStore,
  PullOnlyTimelineStore,
  pullAll,
  pushAll,
} from "../../src/index.js";
import { enginePropertySuite } from "../../src/testing/model/property-suite.js";

enginePropertySuite("in-memory");

// The read path that takes the reader's context from a HomeContextStore (as PostgreSQL's does, in one query).
enginePropertySuite("in-memory, with a home-context store", {
  stores: async () => {
    const stores = { users: new MemoryUserStore(), graph: new MemoryGraphStore(), posts: new MemoryPostStore() };
    return { stores: { ...stores, homeContext: new MemoryHomeContextStore(stores) }, close: async () => {} };
  },
});

enginePropertySuite("in-memory, pull-only timeline store", {
  stores: async () => ({ stores: { timelines: new PullOnlyTimelineStore() }, close: async () => {} }),
  policies: [
    ["pull-all", () => pullAll()],
    ["push-all", () => pushAll()],
  ],
});
