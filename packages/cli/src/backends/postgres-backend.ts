import { migrate, migrations, postgresStores } from "@feed-engine/adapter-postgres";
import pg from "pg";
import { type BackendUrl, showHost } from "../config/backend-url.js";
import { CliError } from "../errors/cli-error.js";
import type { BackendDriver, OpenContext, UserIdLister } from "./backend-driver.js";
import { once } from "./once.js";
import { unreachable } from "./unreachable.js";

type PostgresUrl = Extract<BackendUrl, { scheme: "postgres" }>;

/** Connections per process: seeding and rebuilds run up to this many statements at once. */
const POOL_SIZE = 12;
const CONNECT_TIMEOUT_MS = 5_000;
/**
 * Idle connections stay open until the backend closes: each connection prepares every statement it runs, and pg's
 * default (closing one after 10 s idle) made a worker or load test reopen and re-prepare them after every pause.
 */
const IDLE_TIMEOUT_MS = 0;

function postgresUrl(url: BackendUrl): PostgresUrl {
  if (url.scheme !== "postgres") throw new Error(`postgres backend given ${url.scheme}`);
  return url;
}

/** Opens a pool and proves the server answers; a failure becomes one line naming the server and what to try. */
async function connect(url: PostgresUrl, from: string): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: url.url,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
  });
  // An idle connection that dies is reported by the next query that needs one; it must not crash the process.
  pool.on("error", () => undefined);
  try {
    await pool.query("SELECT 1");
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    const code = (error as { code?: unknown }).code;
    const where = `${url.shown} (${from})`;
    if (code === "28P01" || code === "28000") {
      throw new CliError(
        `PostgreSQL at ${where} refused the login: ${(error as Error).message}; fix the user or password in the URL`,
        { cause: error },
      );
    }
    if (code === "3D000") {
      throw new CliError(
        `database "${url.database}" does not exist on PostgreSQL at ${showHost(url.address)} (${from}); create it (createdb ${url.database}) or fix the URL`,
        { cause: error },
      );
    }
    throw unreachable("PostgreSQL", showHost(url.address), from, error);
  }
}

/** Throws unless every migration this build ships has been applied to the schema. */
async function checkMigrated(pool: pg.Pool, url: PostgresUrl, context: OpenContext): Promise<void> {
  const schema = context.config.schema.value;
  const run = `run \`feed-engine migrate --source ${url.shown} --schema ${schema}\` first`;
  let applied: Set<number>;
  try {
    const { rows } = await pool.query<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations`);
    applied = new Set(rows.map((row) => row.version));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "42P01" || code === "3F000") {
      throw new CliError(`schema "${schema}" is not migrated in ${url.shown} (${context.setting.from}): ${run}`, {
        cause: error,
      });
    }
    throw error;
  }
  const missing = (await migrations()).filter((m) => !applied.has(m.version));
  if (missing.length > 0) {
    const names = missing.map((m) => `${String(m.version).padStart(3, "0")}_${m.name}`).join(", ");
    throw new CliError(`schema "${schema}" in ${url.shown} lacks migrations ${names}: ${run}`);
  }
}

/** Lists users straight from the adapter's `users` table, until the `UserStore` port can (see the CLI's report). */
function userIds(pool: pg.Pool, schema: string): UserIdLister {
  return {
    async page(after, limit) {
      const { rows } = await pool.query<{ id: string }>(
        // Order by the bigint column (u.id): a bare "id" would be the text output column, in string order.
        `SELECT u.id::text AS id FROM "${schema}".users u WHERE ($1::bigint IS NULL OR u.id > $1) ORDER BY u.id LIMIT $2`,
        [after ?? null, limit],
      );
      return rows.map((row) => row.id);
    },
    async count(after) {
      const { rows } = await pool.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM "${schema}".users WHERE ($1::bigint IS NULL OR id > $1)`,
        [after ?? null],
      );
      return Number(rows[0]?.n ?? 0);
    },
  };
}

/** PostgreSQL as the source of truth: users, posts, the follow graph and notifications (`postgres://`). */
export const postgresBackend: BackendDriver = {
  async open(value, context) {
    const url = postgresUrl(value);
    const pool = await connect(url, context.setting.from);
    try {
      await checkMigrated(pool, url, context);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    const schema = context.config.schema.value;
    return {
      stores: postgresStores({ pool, schema }),
      userIds: userIds(pool, schema),
      close: once(() => pool.end()),
    };
  },

  async migrate(value, context) {
    const url = postgresUrl(value);
    const schema = context.config.schema.value;
    const pool = await connect(url, context.setting.from);
    try {
      const applied = await migrate({ pool, schema });
      return {
        target: `schema ${schema} in ${url.shown}`,
        applied: applied.map((m) => `${String(m.version).padStart(3, "0")}_${m.name}`),
      };
    } finally {
      await pool.end();
    }
  },
};
