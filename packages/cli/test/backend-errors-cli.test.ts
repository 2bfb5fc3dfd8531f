import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { cli } from "./run-cli.js";

// Every way a backend can be misconfigured ends in ONE line on stderr and exit code 1: no stack trace unless --verbose.
const oneLine = (stderr: string) => expect(stderr.trim().split("\n")).toHaveLength(1);
/** A command whose PostgreSQL is down (nothing listens on port 1). */
const POSTGRES_DOWN = ["timeline", "@u1", "--source", "postgres://postgres@127.0.0.1:1/feed", "--timelines", "memory:"];

describe("backend configuration errors (built binary)", () => {
  it("a bad URL names the option and what a good one looks like", async () => {
    const r = await cli(["timeline", "@u1", "--source", "mysql://db/app"]);
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(
      /^feed-engine: --source: unknown scheme mysql: \(got "mysql:\/\/db\/app"\); expected memory:/,
    );
    const env = await cli(["timeline", "@u1"], {
      FEED_ENGINE_SOURCE: "postgres://db/app",
      FEED_ENGINE_TIMELINES: "kafka://k:9092",
    });
    expect(env.code).toBe(1);
    expect(env.stderr).toMatch(
      /^feed-engine: FEED_ENGINE_TIMELINES: kafka cannot hold the timelines; use memory:, none:/,
    );
  });

  it("an unreachable PostgreSQL says which server, which address and what to try", async () => {
    const r = await cli(POSTGRES_DOWN);
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toBe(
      "feed-engine: cannot reach PostgreSQL at 127.0.0.1:1 (--source): connection refused (ECONNREFUSED); check that " +
        "PostgreSQL is running and listening there, or fix the address in --source\n",
    );
  });

  it("an unreachable Redis (standalone or cluster) says so in one line", async () => {
    for (const [url, server] of [
      ["redis://127.0.0.1:1", "Redis at 127.0.0.1:1 (--timelines): connection refused (ECONNREFUSED)"],
      [
        "redis-cluster://127.0.0.1:1,127.0.0.1:2",
        "the Redis Cluster at 127.0.0.1:1,127.0.0.1:2 (--timelines): none of the nodes answered",
      ],
    ] as const) {
      // A memory: source opens without a server, so only Redis can fail.
      const r = await cli(["timeline", "@u1", "--source", "memory:", "--timelines", url]);
      expect(r.code, url).toBe(1);
      oneLine(r.stderr);
      expect(r.stderr).toContain(`feed-engine: cannot reach ${server}; check that`);
    }
  });

  it("a schema that was never migrated says to run feed-engine migrate", async () => {
    const r = await cli(["timeline", "@u1", "--timelines", inject("redisUrl")], {
      FEED_ENGINE_SOURCE: inject("postgresUrl"),
      FEED_ENGINE_SCHEMA: "fe_cli_never_migrated",
    });
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(
      /^feed-engine: schema "fe_cli_never_migrated" is not migrated in postgres:\/\/.* \(FEED_ENGINE_SOURCE\): run `feed-engine migrate --source postgres:\/\/.* --schema fe_cli_never_migrated` first\n$/,
    );
  });

  it("a missing source or timeline store says how to configure it", async () => {
    const none = await cli(["timeline", "@u1"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^feed-engine: no source of truth configured: pass --source postgres:\/\//);
    const noTimelines = await cli(["timeline", "@u1", "--source", "postgres://127.0.0.1:1/x"]);
    expect(noTimelines.stderr).toMatch(
      /^feed-engine: no timeline store configured for the postgres source: pass --timelines redis:/,
    );
  });

  it("reads a --config file (flags and FEED_ENGINE_* override it) and rejects unknown keys", async () => {
    const dir = mkdtempSync(join(tmpdir(), "feed-engine-config-"));
    const good = join(dir, "feed-engine.json");
    writeFileSync(good, JSON.stringify({ source: "postgres://postgres@127.0.0.1:1/feed", timelines: "memory:" }));
    const fromFile = await cli(["timeline", "@u1", "--config", good]);
    expect(fromFile.stderr).toContain(`cannot reach PostgreSQL at 127.0.0.1:1 (${good}: source)`);
    const fromEnv = await cli(["timeline", "@u1"], {
      FEED_ENGINE_CONFIG: good,
      FEED_ENGINE_SOURCE: "postgres://127.0.0.1:2/x",
    });
    expect(fromEnv.stderr).toContain("cannot reach PostgreSQL at 127.0.0.1:2 (FEED_ENGINE_SOURCE)");
    const fromFlag = await cli(["timeline", "@u1", "--config", good, "--source", "memory:"]);
    expect(fromFlag.stderr).toBe('feed-engine: no user has the handle "u1"\n');
    const typo = join(dir, "typo.json");
    writeFileSync(typo, JSON.stringify({ sourec: "memory:" }));
    const bad = await cli(["timeline", "@u1", "--config", typo]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`config file ${typo}: unknown key "sourec"; known: source, timelines, bus`);
    const missing = await cli(["timeline", "@u1", "--config", join(dir, "nope.json")]);
    expect(missing.stderr).toContain("cannot read the config file");
  });

  it("--verbose adds the stack trace and its cause", async () => {
    const r = await cli([...POSTGRES_DOWN, "--verbose"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^feed-engine: cannot reach PostgreSQL at 127.0.0.1:1/);
    expect(r.stderr).toMatch(/CliError: cannot reach PostgreSQL[^\n]*\n\s+at /);
    expect(r.stderr).toMatch(/caused by: .*ECONNREFUSED/);
  });
});
