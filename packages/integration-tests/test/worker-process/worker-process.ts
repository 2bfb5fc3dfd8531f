import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Namespace, WorkerConfig } from "./worker-config.js";

const MAIN = fileURLToPath(new URL("./worker-main.ts", import.meta.url));

/** A worker process started by a test. */
export interface WorkerProcess {
  readonly pid: number;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`); resolves to the exit code. Idempotent. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL, as a crash would: nothing is committed or handed over. */
  kill(): Promise<void>;
  /** Switches the worker's stores to `namespace` (drain the bus first); resolves once it answered. */
  use(namespace: Namespace): Promise<void>;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** Starts `worker-main.ts` with `config` and resolves once it printed "ready" (rejects with its stderr otherwise). */
export async function startWorker(config: WorkerConfig, timeoutMs = 60_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, JSON.stringify(config)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-20_000);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`worker did not get ready in ${timeoutMs} ms`)), timeoutMs);
    let stdout = "";
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("ready\n")) {
        clearTimeout(timer);
        resolve();
      }
    };
    const onExit = (code: number | null) => fail(new Error(`worker exited with code ${code} before it was ready`));
    function fail(error: Error) {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      if (child.exitCode === null) child.kill("SIGKILL");
      reject(new Error(`${error.message}\n${stderr}`));
    }
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
  const pid = child.pid ?? -1;
  const waiting: Array<() => void> = [];
  child.stdout?.on("data", (chunk: Buffer) => {
    const lines = chunk
      .toString()
      .split("\n")
      .filter((l) => l === "using").length;
    for (let i = 0; i < lines; i++) {
      const next = waiting.shift();
      next?.();
    }
  });
  return {
    pid,
    async use(namespace) {
      const replied = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker did not switch stores in 30 s\n${stderr}`)), 30_000);
        waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      child.stdin?.write(`use ${JSON.stringify(namespace)}\n`);
      await replied;
    },
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited(child);
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited(child);
    },
  };
}
