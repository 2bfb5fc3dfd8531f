/**
 * Starts the child process that serves one Node row of the home-timeline benchmark (`home-read-row.ts`) and talks to
 * it. The engine's read tail is set by the garbage collector of the process serving the reads, so every row gets a
 * process of its own, started with explicit V8 flags and a clean heap, as a server embedding the engine would be.
 *
 * The row's input goes as JSON in argv. Over the IPC channel (structured clone, so that NaN, an empty window's
 * percentile, survives where JSON would turn it into null): the child sends `ready` once built and connected; the
 * parent sends `start` when the host is quiet; the child answers `result`; the parent sends `finish` once it has
 * metered the host, and the child closes its engine and connections and exits 0.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { NodeApproachKey } from "./home-approaches.js";
import type { OpenLoopResult } from "./open-loop.js";
import type { RowStalls } from "./row-stalls.js";

/** What a row's child needs. */
export interface HomeReadRowInput {
  postgresUrl: string;
  redisUrl: string;
  schema: string;
  prefix: string;
  approach: NodeApproachKey;
  readerIds: string[];
  rate: number;
  warmupMs: number;
  measureMs: number;
  /** The child's pg.Pool `max`. */
  pool: number;
}

/** What a row's child measured, inside itself: it is the process serving the reads. */
export interface HomeReadRowOutput {
  result: OpenLoopResult;
  stalls: RowStalls;
  /** The child's CPU time (user + system) per request sent, warm-up included, ms. */
  nodeCpuMs: number;
}

/** Messages from the parent. */
export type ToHomeReadRow = { type: "start" } | { type: "finish" };
/** Messages from the child. */
export type FromHomeReadRow = { type: "ready" } | ({ type: "result" } & HomeReadRowOutput);

/** A row's child, built and connected, waiting for `measure`. */
export interface HomeReadRow {
  readonly pid: number;
  /** Runs the row's open loop in the child; resolves with what it measured. */
  measure(): Promise<HomeReadRowOutput>;
  /** Lets the child close its engine and connections; resolves once it exited 0. */
  finish(): Promise<void>;
}

/** Starts rows' children and ends them when the run ends early. */
export interface HomeReadRows {
  /** Starts a child for one row with `nodeFlags`; resolves once it is built and connected. */
  start(input: HomeReadRowInput, nodeFlags: readonly string[]): Promise<HomeReadRow>;
  /** Kills every child still running and waits for it to exit; a child must not read (or write) after cleanup. */
  stopAll(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL("./home-read-row.ts", import.meta.url));
/** tsx's loader, resolved from here: a bare `--import tsx` would resolve from the child's working directory. */
const TSX = import.meta.resolve("tsx");
const READY_TIMEOUT_MS = 60_000;
/** Past the row's schedule: a saturated row still waits for the requests it sent. */
const RESULT_GRACE_MS = 120_000;
const EXIT_TIMEOUT_MS = 30_000;
/** The child's stdout and stderr kept for an error message (the end of it). */
const OUTPUT_KEPT = 20_000;

/** Children started through the returned launcher; `log` gets what a child that succeeded wrote. */
export function homeReadRows(log: (line: string) => void): HomeReadRows {
  const live = new Set<ChildProcess>();
  return {
    async start(input, nodeFlags) {
      // The row's flags are all the child gets: NODE_OPTIONS of the environment would change its heap unseen.
      const { NODE_OPTIONS: _, ...env } = process.env;
      const child = spawn(process.execPath, [...nodeFlags, "--import", TSX, ENTRY, JSON.stringify(input)], {
        env,
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        serialization: "advanced",
      });
      live.add(child);
      child.once("exit", () => live.delete(child));
      const what = `home read row (${input.approach}, flags: ${nodeFlags.join(" ") || "none"})`;
      const row = connect(child, what, input.warmupMs + input.measureMs + RESULT_GRACE_MS, log);
      await row.ready;
      return row;
    },
    async stopAll() {
      await Promise.all([...live].map((child) => kill(child)));
    },
  };
}

function connect(
  child: ChildProcess,
  what: string,
  resultTimeoutMs: number,
  log: (line: string) => void,
): HomeReadRow & { ready: Promise<void> } {
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const fail = (message: string) => new Error(`${what}: ${message}${output === "" ? "" : `\n${output.trimEnd()}`}`);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const exitText = ({ code, signal }: { code: number | null; signal: NodeJS.Signals | null }) =>
    signal === null ? `exited with code ${code}` : `was killed (${signal})`;

  /** The child's next message of `type`; rejects if it exits, fails to start or takes longer than `timeoutMs`. */
  function next<T extends FromHomeReadRow["type"]>(type: T, timeoutMs: number) {
    return new Promise<Extract<FromHomeReadRow, { type: T }>>((resolve, reject) => {
      const onMessage = (message: FromHomeReadRow) => {
        if (message.type !== type) return;
        done();
        resolve(message as Extract<FromHomeReadRow, { type: T }>);
      };
      const onError = (error: Error) => {
        done();
        reject(fail(error.message));
      };
      const timer = setTimeout(() => {
        done();
        child.kill("SIGKILL");
        reject(fail(`no ${type} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      exited.then((exit) => {
        done();
        reject(fail(`${exitText(exit)} before ${type}`));
      });
      function done() {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("error", onError);
      }
      child.on("message", onMessage);
      child.on("error", onError);
    });
  }
  const send = (message: ToHomeReadRow) =>
    new Promise<void>((resolve, reject) =>
      child.send(message, (error) => (error === null ? resolve() : reject(fail(error.message)))),
    );

  const ready = next("ready", READY_TIMEOUT_MS).then(() => {});
  return {
    pid: child.pid ?? -1,
    ready,
    async measure() {
      const [, { type: _, ...out }] = await Promise.all([send({ type: "start" }), next("result", resultTimeoutMs)]);
      return out;
    },
    async finish() {
      await send({ type: "finish" });
      const timer = setTimeout(() => child.kill("SIGKILL"), EXIT_TIMEOUT_MS);
      const exit = await exited;
      clearTimeout(timer);
      if (exit.code !== 0) throw fail(exitText(exit));
      if (output.trim() !== "") log(`${what} wrote:\n${output.trimEnd()}`);
    },
  };
}

async function kill(child: ChildProcess): Promise<void> {
  // A child that never started (pid undefined) has no exit to wait for.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}
