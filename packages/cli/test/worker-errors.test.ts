import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { cli } from "./run-cli.js";
import { spawnWorker, waitUntil, workerBackends } from "./worker-harness.js";

// How `feed-engine worker` fails to start (one line on stderr, exit 1, no stack trace), and how it stops.
const b = workerBackends("worker_errors");

/** Exactly one line on stderr, the `feed-engine:` error, with no stack frame. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0]!;
}

describe("feed-engine worker: error exits and signals (built binary)", () => {
  it("a bad bus URL, a bad topic prefix: one line naming the option", async () => {
    const url = await cli(["worker", "fanout", "--source", "memory:", "--bus", "kafka://127.0.0.1:x"]);
    expect(url.code).toBe(1);
    expect(oneLine(url.stderr)).toMatch(
      /^feed-engine: --bus: "127.0.0.1:x" is not host:port \(got "kafka:\/\/127.0.0.1:x"\); expected memory:/,
    );
    const prefix = await cli(["worker", "fanout", "--source", "memory:", "--kafka-prefix", "my app"]);
    expect(prefix.code).toBe(1);
    expect(oneLine(prefix.stderr)).toMatch(/^feed-engine: --kafka-prefix: a Kafka topic prefix is up to 200 letters/);
    const env = await cli(["worker", "notifications", "--source", "memory:"], {
      FEED_ENGINE_BUS: "redis://127.0.0.1:6379",
    });
    expect(env.code).toBe(1);
    expect(oneLine(env.stderr)).toMatch(
      /^feed-engine: FEED_ENGINE_BUS: redis cannot hold the event bus; use memory:, kafka:\/\//,
    );
  });

  it("an unreachable Kafka names the broker, the option and what to try", async () => {
    await b.migrate();
    const started = Date.now();
    const r = await cli(["worker", "fanout", "--bus", "kafka://127.0.0.1:1"], b.env);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      "feed-engine: cannot reach Kafka at 127.0.0.1:1 (--bus): connection refused (ECONNREFUSED); check that Kafka " +
        "is running and listening there, or fix the address in --bus",
    );
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("a schema that was never migrated says to run feed-engine migrate", async () => {
    const r = await cli(["worker", "fanout", "--bus", b.bus], {
      ...b.env,
      FEED_ENGINE_SCHEMA: "fe_cli_worker_never_migrated",
    });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /^feed-engine: schema "fe_cli_worker_never_migrated" is not migrated in postgres:\/\/.* \(FEED_ENGINE_SOURCE\): run `feed-engine migrate --source postgres:\/\/.* --schema fe_cli_worker_never_migrated` first$/,
    );
  });

  it("a metrics port in use says so, and what to try", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const r = await cli([
        "worker",
        "fanout",
        "--source",
        "memory:",
        "--metrics-host",
        "127.0.0.1",
        "--metrics-port",
        String(port),
      ]);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toBe(
        `feed-engine: cannot serve metrics on 127.0.0.1:${port} (--metrics-port): the address is already in use ` +
          "(EADDRINUSE); stop what holds it, pick another port, or 0 for any free one",
      );
    } finally {
      blocker.close();
    }
  });

  it("on the in-process bus it says nothing else can publish to it, is healthy, and SIGINT stops it with exit 0", async () => {
    const worker = spawnWorker("notifications", ["--source", "memory:", "--log-format", "text"], {});
    const text = () => worker.stderr();
    await waitUntil("the worker subscribed", async () => / info {2}subscribed /.test(text()), 20_000);
    expect(text()).toMatch(
      /^\S+Z warn {2}the memory: bus lives inside this process: no other process can publish to it/m,
    );
    const bound = Number(/metrics listening .*port=(\d+)/.exec(text())?.[1]);
    const health = await fetch(`http://127.0.0.1:${bound}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", lastLagPoll: "not available on this bus" });
    worker.child.kill("SIGINT");
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(text()).toMatch(/ info {2}stopped .*handled=0/);
  });

  it("a second signal during the graceful stop exits 1 at once", async () => {
    await b.migrate();
    const worker = spawnWorker("fanout", ["--bus", b.bus, "--kafka-prefix", b.kafkaPrefix()], b.env);
    await worker.waitForLog("subscribed");
    worker.child.kill("SIGTERM");
    // Two signals sent at once may be merged into one by the kernel: the second goes once the first was received.
    await worker.waitForLog(/^signal received/);
    worker.child.kill("SIGINT");
    expect(await worker.exited).toEqual({ code: 1, signal: null });
    expect(
      worker.lines.some((line) => line.msg === "second signal: exiting at once, without committing the event in hand"),
    ).toBe(true);
  }, 60_000);
});
