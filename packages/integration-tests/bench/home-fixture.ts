/**
 * The home-timeline benchmark's fixture: a schema and a key prefix of this run on the servers, and the child
 * processes that serve its rows, all removed however the run ends (end, failure, Ctrl-C).
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { type HomeReadRows, homeReadRows } from "./home-read-row-process.js";

/** The servers and namespace of one run. */
export interface Fixture {
  schema: string;
  prefix: string;
  pool: pg.Pool;
  redis: Redis;
  /** Starts the child processes that serve the Node rows. */
  rows: HomeReadRows;
  /** Stops any row's child, then drops the schema and deletes the prefix's keys; safe to call more than once. */
  remove: () => Promise<void>;
}

/** The servers a fixture connects to, and how many connections its pool may hold. */
export interface FixtureOptions {
  postgresUrl: string;
  redisUrl: string;
  pool: number;
}

/** Picks a fresh schema `fe_bench_<hex>` and key prefix `fe_bench:<hex>:` and connects to both servers. */
export function openFixture(o: FixtureOptions, log: (line: string) => void): Fixture {
  const tag = randomBytes(5).toString("hex");
  const schema = `fe_bench_${tag}`;
  const prefix = `fe_bench:${tag}:`;
  const pool = new pg.Pool({ connectionString: o.postgresUrl, max: o.pool, application_name: schema });
  // Connections of ours that remove() ends while in use (Ctrl-C during the load) must not crash the process first.
  let removing = false;
  const report = (error: Error) => {
    if (!removing) log(`postgres: ${error.message}`);
  };
  pool.on("error", report);
  pool.on("connect", (client) => client.on("error", report));
  const redis = new Redis(o.redisUrl);
  const rows = homeReadRows(log);
  let removed: Promise<void> | undefined;
  const remove = () => {
    // No write of ours may reach Redis after the keys are deleted: close our connection and end every child first.
    redis.disconnect();
    removing = true;
    removed ??= rows.stopAll().finally(() => removeEverything(o, schema, prefix, log));
    return removed;
  };
  return { schema, prefix, pool, redis, rows, remove };
}

async function removeEverything(o: FixtureOptions, schema: string, prefix: string, log: (line: string) => void) {
  log(`cleanup: dropping schema ${schema} and keys ${prefix}*`);
  const admin = new pg.Client({ connectionString: o.postgresUrl, application_name: `${schema}_cleanup` });
  await admin.connect();
  try {
    // Only this run's own connections (named after its schema): a COPY still running must not hold DROP back.
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
      [schema],
    );
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await admin.end();
  }
  const redis = new Redis(o.redisUrl);
  try {
    let deleted = 0;
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    }
    log(`cleanup: ${deleted} keys unlinked`);
  } finally {
    redis.disconnect();
  }
}
