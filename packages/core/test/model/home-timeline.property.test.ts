/**
 * The model-based property tests on the embedded default (in-memory stores), under the four policies of the issue,
 * plus a pull-only timeline store (the PostgreSQL-only deployment shape) under pull-all and push-all.
 */
import { PullOnlyTimelineStore, pullAll, pushAll } from "../../src/index.js";
import { enginePropertySuite } from "../../src/testing/model/property-suite.js";

enginePropertySuite("in-memory");

enginePropertySuite("in-memory, pull-only timeline store", {
  stores: async () => ({ stores: { timelines: new PullOnlyTimelineStore() }, close: async () => {} }),
  policies: [
    ["pull-all", () => pullAll()],
    ["push-all", () => pushAll()],
  ],
});
