import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A running test cluster and how to stop it. */
export interface RedisClusterHandle {
  /** `host:port` of each master. */
  nodes: string[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(port: number, deadline: number): Promise<void> {
  for (;;) {
    try {
      const { stdout } = await run("redis-cli", ["-p", String(port), "ping"]);
      if (stdout.trim() === "PONG") return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts three `redis-server --cluster-enabled yes` processes on free ports in a temporary directory, joins them
 * into a cluster with `redis-cli --cluster create`, and waits until it reports `cluster_state:ok`.
 * `stop()` kills exactly these processes (by pid) and removes the directory.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  const dir = await mkdtemp(join(tmpdir(), "feed-engine-redis-cluster-"));
  const ports: number[] = [];
  const procs: ChildProcess[] = [];
  const stop = async () => {
    for (const p of procs) if (p.exitCode === null && p.pid !== undefined) p.kill("SIGTERM");
    await Promise.all(
      procs.map((p) => (p.exitCode === null ? new Promise((r) => p.once("exit", r)) : Promise.resolve())),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      ports.push(port);
      const proc = spawn(
        "redis-server",
        [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          `nodes-${port}.conf`,
          "--cluster-node-timeout",
          "2000",
          "--save",
          "",
          "--appendonly",
          "no",
          "--dir",
          dir,
          "--logfile",
          join(dir, `redis-${port}.log`),
        ],
        { stdio: "ignore" },
      );
      procs.push(proc);
    }
    const deadline = Date.now() + 15_000;
    for (const port of ports) await waitForPing(port, deadline);
    await run("redis-cli", [
      "--cluster",
      "create",
      ...ports.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ]);
    for (;;) {
      const infos = await Promise.all(ports.map((p) => run("redis-cli", ["-p", String(p), "cluster", "info"])));
      if (infos.every((i) => i.stdout.includes("cluster_state:ok"))) break;
      if (Date.now() > deadline) throw new Error("the test Redis Cluster did not reach cluster_state:ok");
      await new Promise((r) => setTimeout(r, 100));
    }
    return { nodes: ports.map((p) => `127.0.0.1:${p}`), stop };
  } catch (error) {
    await stop();
    throw new Error(`could not start the test Redis Cluster: ${(error as Error).message}`, { cause: error });
  }
}
