import { describe, expect, it } from "vitest";
import { parseBackendUrl, redact } from "../src/config/backend-url.js";
import { resolveConfig } from "../src/config/feed-config.js";
import { CliError } from "../src/errors/cli-error.js";

const parse = (value: string) => parseBackendUrl(value, "--source");

describe("parseBackendUrl", () => {
  it("parses every scheme, with default ports and no password in what it shows", () => {
    expect(parse("memory:")).toMatchObject({ scheme: "memory", shown: "memory:" });
    expect(parse("none:")).toMatchObject({ scheme: "none" });
    expect(parse("postgres://app:secret@db.internal/feed")).toMatchObject({
      scheme: "postgres",
      address: { host: "db.internal", port: 5432 },
      database: "feed",
      shown: "postgres://app@db.internal:5432/feed",
    });
    expect(parse("postgresql://127.0.0.1:6543/x")).toMatchObject({ scheme: "postgres", address: { port: 6543 } });
    expect(parse("postgres://[::1]/x")).toMatchObject({
      address: { host: "::1", port: 5432 },
      shown: "postgres://[::1]:5432/x",
    });
    expect(parse("redis://:pw@cache:6380/3")).toMatchObject({
      scheme: "redis",
      address: { host: "cache", port: 6380 },
      db: 3,
      tls: false,
      shown: "redis://cache:6380/3",
    });
    expect(parse("rediss://cache")).toMatchObject({ scheme: "redis", tls: true, shown: "rediss://cache:6379" });
    expect(parse("redis-cluster://10.0.0.1:7000,10.0.0.2:7001,[::1]:7002")).toMatchObject({
      scheme: "redis-cluster",
      nodes: [
        { host: "10.0.0.1", port: 7000 },
        { host: "10.0.0.2", port: 7001 },
        { host: "::1", port: 7002 },
      ],
      shown: "redis-cluster://10.0.0.1:7000,10.0.0.2:7001,[::1]:7002",
    });
    expect(parse("cassandra://c1,c2:9043/feed")).toMatchObject({
      scheme: "cassandra",
      nodes: [
        { host: "c1", port: 9042 },
        { host: "c2", port: 9043 },
      ],
      keyspace: "feed",
    });
    expect(parse("kafka://k1:9092,k2")).toMatchObject({ scheme: "kafka", nodes: [{ port: 9092 }, { port: 9092 }] });
  });

  it("refuses bad URLs with one line naming the option and the value, password hidden", () => {
    const cases: Array<[string, RegExp]> = [
      ["mysql://x/y", /^--source: unknown scheme mysql: \(got "mysql:\/\/x\/y"\); expected memory:/],
      ["127.0.0.1:5432", /^--source: not a URL/],
      ["localhost:5432", /^--source: unknown scheme localhost:/],
      ["just words", /^--source: not a URL/],
      ["redis://cache/99", /database number \(0-15\)/],
      ["redis-cluster://a:7000/2", /no path/],
      ["redis-cluster://a:99999", /"a:99999" is not host:port/],
      ["cassandra://c1:9042", /needs a keyspace/],
      ["memory:extra", /takes nothing after the colon/],
      ["postgres://u:hunter2@/db", /^--source: not a valid postgres:\/\/ URL \(got "postgres:\/\/u:\*\*\*@\/db"\)/],
      ["postgres:///db", /^--source: postgres:\/\/ needs a host/],
    ];
    for (const [value, message] of cases) {
      expect(() => parse(value), value).toThrow(CliError);
      expect(() => parse(value), value).toThrow(message);
    }
    expect(redact("postgres://u:hunter2@h/db")).toBe("postgres://u:***@h/db");
  });
});

describe("resolveConfig", () => {
  const file = { path: "/etc/feed-engine.json", settings: { source: "postgres://file/db", schema: "from_file" } };

  it("takes each setting from the flag, else the environment, else the file, else the default", () => {
    const env = { FEED_ENGINE_SOURCE: "postgres://env/db", FEED_ENGINE_TIMELINES: "redis://env:6379" };
    const fromFlag = resolveConfig({ flags: { source: "memory:" }, env, file });
    expect(fromFlag.source).toMatchObject({ value: { scheme: "memory" }, from: "--source" });
    expect(fromFlag.timelines).toMatchObject({ value: { scheme: "redis" }, from: "FEED_ENGINE_TIMELINES" });
    expect(fromFlag.schema).toEqual({ value: "from_file", from: "/etc/feed-engine.json: schema" });
    expect(fromFlag.bus).toMatchObject({ value: { scheme: "memory" }, from: "default" });
    const fromEnv = resolveConfig({ flags: {}, env, file });
    expect(fromEnv.source?.from).toBe("FEED_ENGINE_SOURCE");
    // An empty variable counts as unset.
    const fromFile = resolveConfig({ flags: {}, env: { FEED_ENGINE_SOURCE: "" }, file });
    expect(fromFile.source).toMatchObject({ value: { database: "db" }, from: "/etc/feed-engine.json: source" });
    const defaults = resolveConfig({ flags: {}, env: {} });
    expect(defaults.source).toBeUndefined();
    expect([defaults.schema.value, defaults.redisPrefix.value, defaults.policy.value]).toEqual([
      "feed_engine",
      "feed:",
      "hybrid",
    ]);
    expect([defaults.celebrityThreshold.value, defaults.inactiveAfterDays.value, defaults.timelineCap.value]).toEqual([
      10_000, 30, 800,
    ]);
  });

  it("refuses a backend in a role it cannot fill, and bad settings, naming where they came from", () => {
    const bad =
      (flags: Record<string, string>, env: Record<string, string> = {}) =>
      () =>
        resolveConfig({ flags, env });
    expect(bad({ source: "redis://h:6379" })).toThrow(
      "--source: redis cannot hold the source of truth; use memory:, postgres://, cassandra://",
    );
    expect(bad({}, { FEED_ENGINE_BUS: "postgres://h/db" })).toThrow(
      "FEED_ENGINE_BUS: postgres cannot hold the event bus",
    );
    expect(bad({ timelines: "kafka://k:9092" })).toThrow("--timelines: kafka cannot hold the timelines");
    expect(bad({ schema: "1bad" })).toThrow("--schema: a schema name is 1-63 letters");
    expect(bad({ redisPrefix: "{x}" })).toThrow("must not contain { or }");
    expect(bad({ policy: "fastest" })).toThrow("--policy: expected one of hybrid, push-all, pull-all");
    expect(bad({}, { FEED_ENGINE_CELEBRITY_THRESHOLD: "lots" })).toThrow(
      "FEED_ENGINE_CELEBRITY_THRESHOLD: expected an integer",
    );
    expect(resolveConfig({ flags: { inactiveAfterDays: "off" }, env: {} }).inactiveAfterDays.value).toBeNull();
  });
});
