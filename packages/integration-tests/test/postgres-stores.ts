import { randomBytes } from "node:crypto";
import { migrate, postgresStores } from "@feed-engine/adapter-postgres";
import type { FeedStores } from "@feed-engine/core";
import type pg from "pg";

/** A freshly migrated schema with the four PostgreSQL stores on it, for one property run. */
export interface FreshPostgresStores {
  /** The random tag in the schema name, for naming the run's other resources (e.g. Redis prefixes). */
  tag: string;
  stores: Pick<FeedStores, "users" | "posts" | "graph" | "notifications" | "homeContext">;
  /** Drops the schema. */
  drop(): Promise<void>;
}

/** Migrates a new `fe_prop_<hex>` schema and returns the stores on it (home reads take their context in one query). */
export async function freshPostgresStores(pool: pg.Pool): Promise<FreshPostgresStores> {
  const tag = randomBytes(5).toString("hex");
  const schema = `fe_prop_${tag}`;
  await migrate({ pool, schema });
  return {
    tag,
    stores: postgresStores({ pool, schema }),
    drop: async () => {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
}
