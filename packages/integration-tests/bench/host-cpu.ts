/**
 * Where the host's CPU went during a run, from /proc (Linux): the whole host, the processes serving the benchmark
 * (this process, its PostgreSQL backends, the Redis server, PostgreSQL's own background processes) and everything
 * else — other work sharing the machine, which would skew the latencies. Elsewhere the figures are NaN.
 */
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** USER_HZ: /proc counts CPU time in hundredths of a second on Linux. */
const TICK_MS = 10;
/** PostgreSQL's own processes (they work for whoever wrote the data): not "other work". */
const POSTGRES_SERVICE =
  /^postgres: (?:\S+: )?(?:checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher|archiver|stats collector)|\/postgres(?:\s|$)/;

interface HostTimes {
  busyMs: number;
  totalMs: number;
}

function hostTimes(): HostTimes {
  try {
    const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields.map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busyMs: busy * TICK_MS, totalMs: (busy + idle + iowait) * TICK_MS };
  } catch {
    return { busyMs: Number.NaN, totalMs: Number.NaN };
  }
}

/** CPU time (user + system) of every process, by pid, and its command line. */
function processTimes(): Map<number, { ms: number; command: string }> {
  const out = new Map<number, { ms: number; command: string }>();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command (which may hold spaces and parentheses): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      out.set(Number(pid), { ms, command });
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

/** Share of the host's cores busy over `ms` (0-1) while the caller waits. */
export async function backgroundLoad(ms: number): Promise<number> {
  const start = hostTimes();
  await sleep(ms);
  const end = hostTimes();
  return (end.busyMs - start.busyMs) / (end.totalMs - start.totalMs);
}

/**
 * Waits until the host is quiet (under `threshold` of its cores busy over one `windowMs`) or `maxWaitMs` has passed.
 * Returns the last background load seen and how long it waited.
 */
export async function waitForQuiet(
  threshold: number,
  windowMs: number,
  maxWaitMs: number,
): Promise<{ background: number; waitedMs: number }> {
  const started = performance.now();
  for (;;) {
    const background = await backgroundLoad(windowMs);
    const waitedMs = performance.now() - started;
    if (background < threshold || waitedMs >= maxWaitMs) return { background, waitedMs };
  }
}

export interface CpuSplit {
  wallMs: number;
  cores: number;
  /** Busy CPU time of the whole host. */
  hostMs: number;
  /** CPU time of the processes that are not the benchmark's (see {@link meterCpu}): other work on the host. */
  othersMs: number;
  /** The host's busy time without the others': the benchmark's processes and the kernel work (loopback) they cause. */
  oursMs: number;
  /** The other processes that used the most CPU, as "12% command". */
  topOthers: string[];
}

/**
 * Starts metering. `ours(pid, command)` names the processes serving the benchmark; PostgreSQL's background processes
 * count as ours too. Call the returned function when the run ends. Processes that start and end within the run are
 * not seen.
 */
export function meterCpu(): (ours: (pid: number, command: string) => boolean) => CpuSplit {
  const startHost = hostTimes();
  const startProcesses = processTimes();
  const started = performance.now();
  return (ours) => {
    const end = hostTimes();
    const wallMs = performance.now() - started;
    const cores = (end.totalMs - startHost.totalMs) / wallMs;
    const others: Array<[ms: number, command: string]> = [];
    for (const [pid, { ms, command }] of processTimes()) {
      const used = ms - (startProcesses.get(pid)?.ms ?? 0);
      if (used > 0 && !ours(pid, command) && !POSTGRES_SERVICE.test(command)) others.push([used, command]);
    }
    const hostMs = end.busyMs - startHost.busyMs;
    const othersMs = others.reduce((sum, [ms]) => sum + ms, 0);
    others.sort((a, b) => b[0] - a[0]);
    return {
      wallMs,
      cores,
      hostMs,
      othersMs,
      oursMs: Math.max(0, hostMs - othersMs),
      topOthers: others
        .slice(0, 2)
        .map(([ms, command]) => `${Math.round((100 * ms) / wallMs)}% ${command.slice(0, 60)}`),
    };
  };
}
