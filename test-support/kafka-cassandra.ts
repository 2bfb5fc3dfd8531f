import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import cassandra from "cassandra-driver";
import { Kafka, logLevel } from "kafkajs";

const servicesScript = fileURLToPath(new URL("../scripts/services/services.sh", import.meta.url));
const runtimeDir = process.env.FEED_ENGINE_SERVICES_DIR ?? fileURLToPath(new URL("../.services", import.meta.url));

/** A server the scripts in `scripts/services/` can start. */
export type ServiceName = "kafka" | "cassandra";

/** What a Cassandra node told us about itself. */
export interface CassandraInfo {
  releaseVersion: string;
  /** The node's data center: pass it as cassandra-driver's `localDataCenter`. */
  dataCenter: string;
}

/** Where Kafka and Cassandra answer, and how to stop what {@link ensureKafkaAndCassandra} started. */
export interface KafkaCassandraHandle {
  kafkaBrokers: string;
  cassandraContactPoint: string;
  cassandra: CassandraInfo;
  /** The servers this handle started (empty when both were already running). */
  started: ServiceName[];
  /** Stops exactly the servers this handle started, if they are still the processes it started. */
  stop(): Promise<void>;
}

/** Asks the brokers (comma-separated `host:port`) to describe their cluster; throws unless one answers. */
export async function checkKafka(brokers: string): Promise<string> {
  const kafka = new Kafka({
    clientId: "feed-engine-test-setup",
    brokers: brokers.split(","),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 5000,
    retry: { retries: 1, initialRetryTime: 200 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)`;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Connects to `host:port` with cassandra-driver and reads `system.local`; throws unless the node answers CQL. */
export async function checkCassandra(contactPoint: string): Promise<CassandraInfo> {
  const client = new cassandra.Client({
    contactPoints: [contactPoint],
    // Round-robin needs no localDataCenter, which is what this check finds out.
    policies: { loadBalancing: new cassandra.policies.loadBalancing.RoundRobinPolicy() },
    socketOptions: { connectTimeout: 3000, readTimeout: 5000 },
  });
  try {
    await client.connect();
    const row = (await client.execute("SELECT release_version, data_center FROM system.local")).first();
    return { releaseVersion: String(row.get("release_version")), dataCenter: String(row.get("data_center")) };
  } catch (error) {
    // NoHostAvailableError's own message embeds a multi-line dump; its innerErrors say it in one line per host.
    const inner = (error as { innerErrors?: Record<string, Error> }).innerErrors;
    if (inner === undefined || Object.keys(inner).length === 0) throw error;
    throw new Error(
      Object.entries(inner)
        .map(([host, e]) => `${host}: ${e.message}`)
        .join("; "),
    );
  } finally {
    await client.shutdown().catch(() => {});
  }
}

/** Runs `scripts/services/services.sh`, echoing its progress to stderr; resolves with its exit code and output. */
function runServicesScript(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [servicesScript, ...args], { stdio: ["ignore", "inherit", "pipe"] });
    let output = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

async function readPid(name: ServiceName): Promise<string | undefined> {
  try {
    return (await readFile(`${runtimeDir}/${name}/${name}.pid`, "utf8")).trim();
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Marks this test run as a user of the scripts' server `name`, so that another run that started it does not stop it
 * under this one. Returns a function that removes the mark and tells whether other live runs still use the server.
 */
async function lease(name: ServiceName): Promise<() => Promise<number[]>> {
  const dir = `${runtimeDir}/${name}/users`;
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/${process.pid}`, "");
  return async () => {
    await rm(`${dir}/${process.pid}`, { force: true });
    const others = (await readdir(dir).catch(() => [] as string[])).map(Number).filter((pid) => pid > 0);
    const alive = others.filter(isAlive);
    await Promise.all(others.filter((pid) => !alive.includes(pid)).map((pid) => rm(`${dir}/${pid}`, { force: true })));
    return alive;
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.constructor.name : String(error);
}

interface Target {
  name: ServiceName;
  label: string;
  address: string;
  envVar: string;
  check: () => Promise<unknown>;
}

/**
 * Makes sure Kafka and Cassandra answer with a real protocol round trip (kafkajs `describeCluster`; cassandra-driver
 * `SELECT ... FROM system.local`). A server that does not answer at its default address is started with
 * `scripts/services/services.sh up` (both in parallel; the first run downloads the jars from Maven Central); one whose
 * address was set through its environment variable is never started. Throws one message naming the server, the
 * address and what to run when a server cannot be reached or started.
 */
export async function ensureKafkaAndCassandra(env: NodeJS.ProcessEnv = process.env): Promise<KafkaCassandraHandle> {
  // Where scripts/services/ puts them (FEED_ENGINE_*_PORT move them there too).
  const kafkaBrokers = env.FEED_ENGINE_TEST_KAFKA_BROKERS ?? `127.0.0.1:${env.FEED_ENGINE_KAFKA_PORT ?? 9092}`;
  const cassandraContactPoint = env.FEED_ENGINE_TEST_CASSANDRA ?? `127.0.0.1:${env.FEED_ENGINE_CASSANDRA_PORT ?? 9042}`;
  let info: CassandraInfo | undefined;
  const targets: Target[] = [
    {
      name: "kafka",
      label: "Kafka",
      address: kafkaBrokers,
      envVar: "FEED_ENGINE_TEST_KAFKA_BROKERS",
      check: () => checkKafka(kafkaBrokers),
    },
    {
      name: "cassandra",
      label: "Cassandra",
      address: cassandraContactPoint,
      envVar: "FEED_ENGINE_TEST_CASSANDRA",
      check: async () => {
        info = await checkCassandra(cassandraContactPoint);
      },
    },
  ];
  const first = await Promise.allSettled(targets.map((t) => t.check()));
  const reasons = new Map<Target, string>();
  targets.forEach((t, i) => {
    const result = first[i];
    if (result?.status === "rejected") reasons.set(t, describe(result.reason));
  });
  const missing = [...reasons.keys()];

  const overridden = missing.filter((t) => env[t.envVar] !== undefined);
  if (overridden.length > 0) {
    throw new Error(
      overridden
        .map(
          (t) =>
            `${t.label} is not reachable at ${t.address} (${reasons.get(t)}). ${t.envVar} is set, so the tests do not ` +
            `start one: start that server, or unset ${t.envVar} to let the tests run \`pnpm services:up ${t.name}\`.`,
        )
        .join("\n"),
    );
  }

  const started: ServiceName[] = [];
  const startedPids = new Map<ServiceName, string>();
  const releases = new Map<ServiceName, () => Promise<number[]>>();
  const stop = async () => {
    const ours: ServiceName[] = [];
    for (const name of ["kafka", "cassandra"] as const) {
      const others = (await releases.get(name)?.()) ?? [];
      if (!started.includes(name)) continue;
      if (others.length > 0) {
        process.stderr.write(`[global-setup] leaving ${name} running: test run(s) ${others.join(", ")} use it\n`);
      } else if ((await readPid(name)) === startedPids.get(name)) {
        // ...and only if the pid file still names the process we started (nobody restarted it in between).
        ours.push(name);
      }
    }
    if (ours.length === 0) return;
    const { code } = await runServicesScript(["down", ...ours]);
    if (code !== 0) throw new Error(`\`pnpm services:down ${ours.join(" ")}\` failed (exit ${code}; output above)`);
  };

  if (missing.length > 0) {
    const names = missing.map((t) => t.name);
    process.stderr.write(
      `[global-setup] ${missing.map((t) => `${t.label} not answering at ${t.address}`).join("; ")}: ` +
        `starting with \`pnpm services:up ${names.join(" ")}\`\n`,
    );
    const begin = Date.now();
    const { code, output } = await runServicesScript(["up", ...names]);
    for (const name of names) {
      const pid = new RegExp(`\\[services\\] ${name}: starting \\S+ \\(pid (\\d+)\\)`).exec(output)?.[1];
      if (pid !== undefined) {
        started.push(name);
        startedPids.set(name, pid);
      }
    }
    // Even when the script failed, one of the two may have started: name only the one that did not.
    const recheck = await Promise.allSettled(missing.map((t) => t.check()));
    const failed = missing.filter((_, i) => recheck[i]?.status !== "fulfilled");
    if (failed.length > 0) {
      await stop().catch((error) => process.stderr.write(`[global-setup] ${describe(error)}\n`));
      throw new Error(
        failed
          .map((t) => {
            const result = recheck[missing.indexOf(t)];
            const why = result?.status === "rejected" ? describe(result.reason) : "not answering";
            return (
              `${t.label} could not be started at ${t.address} (\`pnpm services:up\` exited with ${code}: ${why}; ` +
              `its output is above). Run \`pnpm services:up ${t.name}\` and read ${runtimeDir}/${t.name}/logs, ` +
              `or set ${t.envVar} to a running server.`
            );
          })
          .join("\n"),
      );
    }
    process.stderr.write(`[global-setup] ${names.join(" and ")} up in ${((Date.now() - begin) / 1000).toFixed(1)} s\n`);
  }
  if (info === undefined) throw new Error(`Cassandra at ${cassandraContactPoint} did not describe itself`);
  for (const t of targets) {
    // Servers the scripts run (whoever started them) are leased, so no other run's teardown stops them under us.
    if (env[t.envVar] === undefined && (await readPid(t.name)) !== undefined) releases.set(t.name, await lease(t.name));
  }
  return { kafkaBrokers, cassandraContactPoint, cassandra: info, started, stop };
}
