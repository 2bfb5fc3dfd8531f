import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, inject } from "vitest";
import type {} from "../../../test-support/global-setup.js";

/** The built binary, as `pnpm demo` and operators run it. `pnpm test` builds first. */
export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

/** What one run of the binary did. */
export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Every FEED_ENGINE_* variable unset, so nothing from the shell running the tests leaks into a test. */
const CLEAN_ENV = Object.fromEntries(
  Object.keys(process.env)
    .filter((name) => name.startsWith("FEED_ENGINE_"))
    .map((name) => [name, ""]),
);

/** Runs `feed-engine ...args` from a temp dir; never throws, returns the exit code and both streams. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 120_000): Promise<Outcome> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm -s build\` at the repo root first`);
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      cwd: tmpdir(),
      env: { ...process.env, ...CLEAN_ENV, ...env },
      timeout,
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * The backends of one test file: the run's PostgreSQL database with a schema of the file's own, and the run's Redis
 * with a key prefix of the file's own, as `FEED_ENGINE_*` variables. Registers an `afterAll` that drops the schema and
 * deletes the keys.
 */
export function fileBackends(name: string) {
  const id = `${name}_${randomBytes(4).toString("hex")}`;
  const schema = `fe_cli_${id}`;
  const redisPrefix = `${inject("redisPrefix")}cli_${id}:`;
  const env = {
    FEED_ENGINE_SOURCE: inject("postgresUrl"),
    FEED_ENGINE_SCHEMA: schema,
    FEED_ENGINE_TIMELINES: inject("redisUrl"),
    FEED_ENGINE_REDIS_PREFIX: redisPrefix,
  };
  afterAll(async () => {
    const client = new pg.Client({ connectionString: inject("postgresUrl") });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    const redis = new Redis(inject("redisUrl"));
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${redisPrefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== "0");
    redis.disconnect();
  });
  return { schema, redisPrefix, env };
}

/** The last line of stderr (progress lines come before it). */
export const lastLine = (text: string): string => text.trim().split("\n").at(-1) ?? "";
