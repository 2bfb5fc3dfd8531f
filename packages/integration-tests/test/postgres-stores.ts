import { randomBytes } from "node:crypto";
import {
  migrate,
  PostgresGraphStore,
  PostgresNotificationStore,
  PostgresPostStore,
  PostgresUserStore,
} from "@feed-engine/adapter-postgres";
import type { FeedStores } from "@feed-engine/core";
import type pg from "pg";

/** A freshly migrated schema with the four PostgreSQL stores on it, for one property run. */
export interface FreshPostgresStores {
  /** The random tag in the schema name, for naming the run's other resources (e.g. Redis prefixes). */
  tag: string;
  stores: Pick<FeedStores, "users" | "posts" | "graph" | "notifications">;
  /** Drops the schema. */
  drop(): Promise<void>;
}

/** Migrates a new `fe_prop_<hex>` schema and returns the stores on it. */
export async function freshPostgresStores(pool: pg.Pool): Promise<FreshPostgresStores> {
  const tag = randomBytes(5).toString("hex");
  const schema = `fe_prop_${tag}`;
  await migrate({ pool, schema });
  return {
    tag,
    stores: {
      users: new PostgresUserStore({ pool, schema }),
      posts: new PostgresPostStore({ pool, schema }),
      graph: new PostgresGraphStore({ pool, schema }),
      notifications: new PostgresNotificationStore({ pool, schema }),
    },
    drop: async () => {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
}
