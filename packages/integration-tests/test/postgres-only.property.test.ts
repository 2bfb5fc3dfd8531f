/**
 * The model-based property suite on PostgreSQL alone: the small-site deployment, with no Redis and a pull-only
 * timeline store, so every read is served from PostgreSQL. Runs per policy and property:
 * FEED_PROPERTY_RUNS_SERVERS (default 200).
 */
import { PullOnlyTimelineStore, pullAll, pushAll } from "@feed-engine/core";
import { enginePropertySuite } from "@feed-engine/core/testing";
import pg from "pg";
import { afterAll, inject } from "vitest";
import type {} from "../../../test-support/global-setup.js";
import { freshPostgresStores } from "./postgres-stores.js";

const pool = new pg.Pool({ connectionString: inject("postgresUrl"), max: 4 });
afterAll(() => pool.end());

enginePropertySuite("PostgreSQL only, pull-only timelines", {
  numRuns: Number(process.env.FEED_PROPERTY_RUNS_SERVERS ?? 200),
  policies: [
    ["pull-all", () => pullAll()],
    ["push-all (pushes land nowhere; reads still pull)", () => pushAll()],
  ],
  stores: async () => {
    const postgres = await freshPostgresStores(pool);
    return { stores: { ...postgres.stores, timelines: new PullOnlyTimelineStore() }, close: postgres.drop };
  },
});
