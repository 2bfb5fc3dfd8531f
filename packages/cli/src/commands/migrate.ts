import { type Migration, migrate } from "@feed-engine/adapter-postgres";
import { Command, Option } from "commander";
import pg from "pg";
import { CliError } from "../errors/cli-error.js";

/** Options of {@link runMigrate}. */
export interface MigrateCommandOptions {
  /** `postgres://` URL of the source of truth. */
  postgres: string;
  /** Schema to create or bring up to date. Default `feed_engine`. */
  schema?: string;
}

/** What `feed-engine migrate` did. */
export interface MigrateResult {
  schema: string;
  applied: Migration[];
  upToDate: boolean;
}

/** Applies the PostgreSQL migrations that are pending; harmless to run again. */
export async function runMigrate(options: MigrateCommandOptions): Promise<MigrateResult> {
  const url = parsePostgresUrl(options.postgres);
  const schema = options.schema ?? "feed_engine";
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 5000 });
  try {
    const applied = await migrate({ pool, schema });
    return { schema, applied, upToDate: applied.length === 0 };
  } finally {
    await pool.end();
  }
}

function parsePostgresUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`--postgres must be a postgres:// URL (got ${JSON.stringify(value)})`);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new CliError(`--postgres must be a postgres:// URL (got ${url.protocol}//...)`);
  }
  return value;
}

const EXAMPLES = `
Examples:
  $ feed-engine migrate --postgres postgres://app@127.0.0.1:5432/app
  $ FEED_ENGINE_POSTGRES_URL=postgres://app@db/app feed-engine migrate --schema feed --json
`;

/** `feed-engine migrate`: creates or updates the PostgreSQL schema. */
export function migrateCommand(): Command {
  return new Command("migrate")
    .description("create or update the PostgreSQL schema (idempotent; safe to run from many processes at once)")
    .addOption(new Option("--postgres <url>", "PostgreSQL URL").env("FEED_ENGINE_POSTGRES_URL").makeOptionMandatory())
    .addOption(new Option("--schema <name>", "schema name").env("FEED_ENGINE_POSTGRES_SCHEMA").default("feed_engine"))
    .option("--json", "print the result as JSON")
    .addHelpText("after", EXAMPLES)
    .action(async (opts: { postgres: string; schema: string; json?: boolean }) => {
      const result = await runMigrate({ postgres: opts.postgres, schema: opts.schema });
      if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.upToDate) process.stdout.write(`schema ${result.schema} is up to date\n`);
      else {
        const list = result.applied.map((m) => `${String(m.version).padStart(3, "0")}_${m.name}`).join(", ");
        process.stdout.write(`schema ${result.schema}: applied ${list}\n`);
      }
    });
}
