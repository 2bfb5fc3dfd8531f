/**
 * The model-based property suite on PostgreSQL alone: the small-site deployment, with no Redis and a pull-only
 * timeline store, so every read is served from PostgreSQL. Runs per policy and property:
 * FEED_PROPERTY_RUNS_SERVERS (default 200).
 */
import { randomBytes } from "node:crypto";
import {
  migrate,
  PostgresGraphStore,
  PostgresNotificationStore,
  PostgresPostStore,
  PostgresUserStore,
} from "@feed-engine/adapter-postgres";
import { PullOnlyTimelineStore, pullAll, pushAll } from "@feed-engine/core";
import { enginePropertySuite } from "@feed-engine/core/testing";
import pg from "pg";
import { afterAll, inject } from "vitest";
import type {} from "../../../test-support/global-setup.js";

const pool = new pg.Pool({ connectionString: inject("postgresUrl"), max: 4 });
afterAll(() => pool.end());

enginePropertySuite("PostgreSQL only, pull-only timelines", {
  numRuns: Number(process.env.FEED_PROPERTY_RUNS_SERVERS ?? 200),
  policies: [
    ["pull-all", () => pullAll()],
    ["push-all (pushes land nowhere; reads still pull)", () => pushAll()],
  ],
  stores: async () => {
    const schema = `fe_prop_${randomBytes(5).toString("hex")}`;
    await migrate({ pool, schema });
    return {
      stores: {
        users: new PostgresUserStore({ pool, schema }),
        posts: new PostgresPostStore({ pool, schema }),
        graph: new PostgresGraphStore({ pool, schema }),
        notifications: new PostgresNotificationStore({ pool, schema }),
        timelines: new PullOnlyTimelineStore(),
      },
      close: async () => {
        await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      },
    };
  },
});
