import { describe, expect, inject, it } from "vitest";
import type { MigrateResult } from "../src/commands/migrate.js";
import { cli, fileBackends } from "./run-cli.js";

const { schema } = fileBackends("migrate");

describe("feed-engine migrate (built binary)", () => {
  it("applies every migration once, then reports the schema up to date", async () => {
    const first = await cli(["migrate", "--source", inject("postgresUrl"), "--schema", schema, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout) as MigrateResult;
    expect(result.migrated).toHaveLength(1);
    expect(result.migrated[0]!.target).toMatch(new RegExp(`^schema ${schema} in postgres://`));
    expect(result.migrated[0]!.applied).toContain("001_users");
    expect(result.migrated[0]!.upToDate).toBe(false);
    const second = await cli(["migrate"], { FEED_ENGINE_SOURCE: inject("postgresUrl"), FEED_ENGINE_SCHEMA: schema });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`^schema ${schema} in postgres://\\S+ is up to date\\n$`));
  });

  it("says in one line what is wrong with a bad URL or an unreachable server", async () => {
    const bad = await cli(["migrate", "--source", "mysql://x/y"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^feed-engine: --source: unknown scheme mysql: \(got "mysql:\/\/x\/y"\); expected [^\n]*\n$/,
    );
    const down = await cli(["migrate", "--source", "postgres://postgres@127.0.0.1:1/none"]);
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split("\n")).toHaveLength(1);
    expect(down.stderr).toContain("cannot reach PostgreSQL at 127.0.0.1:1 (--source)");
    const memory = await cli(["migrate", "--source", "memory:"]);
    expect(memory.stdout).toBe("memory: (nothing to migrate) is up to date\n");
  });

  it("requires a source and shows examples in --help", async () => {
    const missing = await cli(["migrate"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no source of truth configured: pass --source");
    const help = await cli(["migrate", "--help"]);
    expect(help.stdout).toContain("Examples:");
  });
});
