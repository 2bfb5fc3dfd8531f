import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import type {} from "../../../test-support/global-setup.js";

const BIN = new URL("../dist/bin.js", import.meta.url).pathname;
const schema = `fe_cli_${randomBytes(4).toString("hex")}`;

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm -s build\` first`);
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(async () => {
  const client = new pg.Client({ connectionString: inject("postgresUrl") });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

describe("feed-engine migrate", () => {
  it("applies every migration once, then reports the schema up to date", async () => {
    const first = await cli(["migrate", "--postgres", inject("postgresUrl"), "--schema", schema, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result.schema).toBe(schema);
    expect(result.applied.length).toBeGreaterThan(0);
    const second = await cli(["migrate", "--schema", schema], { FEED_ENGINE_POSTGRES_URL: inject("postgresUrl") });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(`schema ${schema} is up to date\n`);
  });

  it("says in one line what is wrong with a bad URL or an unreachable server", async () => {
    const bad = await cli(["migrate", "--postgres", "mysql://x/y"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("feed-engine: --postgres must be a postgres:// URL (got mysql://...)\n");
    const down = await cli(["migrate", "--postgres", "postgres://postgres@127.0.0.1:1/none"]);
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split("\n")).toHaveLength(1);
    expect(down.stderr).toContain("127.0.0.1:1");
  });

  it("requires --postgres and shows examples in --help", async () => {
    const missing = await cli(["migrate"], { FEED_ENGINE_POSTGRES_URL: "" });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("--postgres");
    const help = await cli(["migrate", "--help"]);
    expect(help.stdout).toContain("Examples:");
  });
});
