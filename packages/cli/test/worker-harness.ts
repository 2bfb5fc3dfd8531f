import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { KafkaEventBus } from "@feed-engine/adapter-kafka";
import {
  PostgresGraphStore,
  PostgresNotificationStore,
  PostgresPostStore,
  PostgresUserStore,
} from "@feed-engine/adapter-postgres";
import { RedisActivityStore, RedisTimelineStore } from "@feed-engine/adapter-redis";
import { createFeedEngine, type FeedEngine, type UserId } from "@feed-engine/core";
import { Redis } from "ioredis";
import { Kafka, logLevel } from "kafkajs";
import pg from "pg";
import { afterAll, afterEach, inject } from "vitest";
import type {} from "../../../test-support/global-setup.js";
import { BIN, cli, fileBackends } from "./run-cli.js";

/** One parsed log line of a worker (a line that is not JSON is kept as `{ raw }`). */
export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

/** A `feed-engine worker ...` process started by a test. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Every stderr line so far, parsed. */
  readonly lines: LogLine[];
  /** Resolves with the first log line whose `msg` matches (rejects after `timeoutMs`, or if the process exits). */
  waitForLog(msg: string | RegExp, timeoutMs?: number): Promise<LogLine>;
  /** The metrics port, once the worker logged it. */
  port(): Promise<number>;
  /** GET /metrics as text. */
  metrics(): Promise<string>;
  /** GET /healthz: status code and JSON body. */
  health(): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Resolves when the process exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** All of stderr, as text. */
  stderr(): string;
}

const started = new Set<ChildProcess>();
afterEach(() => {
  // A test that failed half-way must not leave workers running: kill what this file started, by pid.
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  started.clear();
});

/** Starts `feed-engine worker <kind> ...args` from the built binary with `env`, logging JSON on a free port. */
export function spawnWorker(kind: "fanout" | "notifications", args: string[], env: NodeJS.ProcessEnv): WorkerProcess {
  const cleanEnv = Object.fromEntries(
    Object.keys(process.env)
      .filter((name) => name.startsWith("FEED_ENGINE_"))
      .map((name) => [name, ""]),
  );
  const child = spawn(
    process.execPath,
    [BIN, "worker", kind, "--metrics-port", "0", "--metrics-host", "127.0.0.1", ...args],
    { cwd: tmpdir(), env: { ...process.env, ...cleanEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  started.add(child);
  const lines: LogLine[] = [];
  let text = "";
  let partial = "";
  const waiters = new Set<() => void>();
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    text += chunk;
    partial += chunk;
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      if (line.trim() === "") continue;
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        lines.push({ raw: line });
      }
    }
    for (const wake of waiters) wake();
  });
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal });
    });
  });
  const matches = (line: LogLine, msg: string | RegExp) =>
    typeof line.msg === "string" && (typeof msg === "string" ? line.msg === msg : msg.test(line.msg));
  const waitForLog = (msg: string | RegExp, timeoutMs = 30_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = lines.find((line) => matches(line, msg));
        if (found !== undefined) return done(() => resolve(found));
        if (child.exitCode !== null || child.signalCode !== null) {
          return done(() => reject(new Error(`worker exited before logging ${String(msg)}:\n${text}`)));
        }
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no ${String(msg)} within ${timeoutMs} ms:\n${text}`))),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });
  const port = async () => Number((await waitForLog("metrics listening")).port);
  return {
    child,
    lines,
    waitForLog,
    port,
    async metrics() {
      const response = await fetch(`http://127.0.0.1:${await port()}/metrics`);
      return response.text();
    },
    async health() {
      const response = await fetch(`http://127.0.0.1:${await port()}/healthz`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    exited,
    stderr: () => text,
  };
}

/**
 * The sum of the series of metric `name` whose labels include `labels`, in Prometheus text; 0 when there is none.
 */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[3] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(match[4]);
  }
  return sum;
}

/** How many series of metric `name` the text has. */
export function seriesCount(text: string, name: string): number {
  return text.split("\n").filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `)).length;
}

/** Polls `check` every 100 ms until it returns true (rejects with `what` after `timeoutMs`). */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The test's brokers. */
export const brokers = (): string[] => inject("kafkaBrokers").split(",");

/**
 * The servers of one test file: a migrated PostgreSQL schema and a Redis prefix of its own (dropped after the file,
 * by part 1's `fileBackends`), and `kafkaPrefix()` for fresh topics and consumer groups (deleted after the file).
 * `env` configures a worker (`--bus kafka://...` is passed as a flag by the tests).
 */
export function workerBackends(name: string) {
  const backends = fileBackends(name);
  const prefixes: string[] = [];
  const opened: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of opened.reverse()) await close().catch(() => undefined);
    const admin = new Kafka({ brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => prefixes.some((p) => t.startsWith(p)));
      if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
      const { groups } = await admin.listGroups();
      const mine = groups.map((g) => g.groupId).filter((g) => prefixes.some((p) => g.startsWith(p)));
      if (mine.length > 0) await admin.deleteGroups(mine).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  });
  return {
    ...backends,
    bus: `kafka://${inject("kafkaBrokers")}`,
    /** Runs `feed-engine migrate` on the file's schema. */
    async migrate(): Promise<void> {
      const r = await cli(["migrate"], backends.env);
      if (r.code !== 0) throw new Error(`migrate failed: ${r.stderr}`);
    },
    /** A topic and group prefix no other test uses. */
    kafkaPrefix(): string {
      const prefix = `fe-cli.${inject("runId")}.${randomBytes(4).toString("hex")}.`;
      prefixes.push(prefix);
      return prefix;
    },
    /**
     * An engine in the test process on the same stores, publishing to Kafka under `kafkaPrefix` and running no
     * workers: what an API process is. Closed after the file.
     */
    engine(kafkaPrefix: string): { engine: FeedEngine; bus: KafkaEventBus } {
      const pool = new pg.Pool({ connectionString: inject("postgresUrl"), max: 4 });
      const redis = new Redis(inject("redisUrl"));
      const { schema, redisPrefix: prefix } = backends;
      const bus = new KafkaEventBus({ brokers: brokers(), prefix: kafkaPrefix, partitions: 6, drainScope: "topics" });
      const engine = createFeedEngine({
        stores: {
          users: new PostgresUserStore({ pool, schema }),
          posts: new PostgresPostStore({ pool, schema }),
          graph: new PostgresGraphStore({ pool, schema }),
          notifications: new PostgresNotificationStore({ pool, schema }),
          timelines: new RedisTimelineStore({ client: redis, prefix }),
          activity: new RedisActivityStore({ client: redis, prefix }),
        },
        bus,
        runWorkers: false,
      });
      opened.push(async () => {
        await engine.close();
        await bus.close();
        redis.disconnect();
        await pool.end();
      });
      return { engine, bus };
    },
  };
}

/** Registers `count` users with handles `<stem><i>` (unique per call). */
export async function registerUsers(engine: FeedEngine, stem: string, count: number): Promise<UserId[]> {
  const tag = randomBytes(3).toString("hex");
  const ids: UserId[] = [];
  for (let i = 0; i < count; i++) ids.push((await engine.registerUser({ handle: `${stem}${tag}${i}` })).id);
  return ids;
}

/** The post ids in `userId`'s materialized timeline. */
export async function timelineIds(engine: FeedEngine, userId: UserId): Promise<string[]> {
  return (await engine.stores.timelines.read(userId, { limit: 800 }))?.ids ?? [];
}
