import { Command, InvalidArgumentError, Option } from "commander";
import { addBackendOptions, type BackendFlags, configFromFlags } from "../config/backend-options.js";
import { type LogFormat, Logger } from "../worker/logger.js";
import { runWorker } from "../worker/run-worker.js";
import { WORKERS, type WorkerKind } from "../worker/worker-kinds.js";
import { integerOption } from "./option-parsers.js";

/** The worker options as commander parses them. */
interface WorkerFlags extends BackendFlags {
  metricsPort: number;
  metricsHost: string;
  concurrency: number;
  batchSize?: number;
  sessionTimeout: number;
  lagInterval: number;
  stopTimeout: number;
  logFormat: LogFormat;
}

/** The consumer settings of the worker's Kafka bus (prefix and partitions come from the shared config). */
function kafkaSettings(opts: WorkerFlags) {
  return { concurrency: opts.concurrency, sessionTimeoutMs: opts.sessionTimeout };
}

function logFormat(value: string): LogFormat {
  if (value !== "json" && value !== "text") throw new InvalidArgumentError("expected json or text.");
  return value;
}

/**
 * Runs a worker until SIGTERM or SIGINT: the first signal stops it gracefully (exit 0, or 1 if stopping failed), a
 * second one exits 1 at once. The entry point's own Ctrl-C handler (exit 130 at once) is replaced while it runs.
 */
async function runUntilSignalled(kind: WorkerKind, opts: WorkerFlags, verbose: boolean): Promise<void> {
  const config = await configFromFlags(opts);
  const kafka = kafkaSettings(opts);
  const log = new Logger({
    out: process.stderr,
    format: opts.logFormat,
    level: verbose ? "debug" : "info",
    base: { worker: kind, pid: process.pid },
  });
  // Node's own warnings (KafkaJS's TimeoutNegativeWarning on Node 22+) become log lines too, so stderr stays parseable.
  process.removeAllListeners("warning");
  process.on("warning", (warning) => log.warn(`node: ${warning.message}`, { warning: warning.name }));

  process.removeAllListeners("SIGINT");
  let signals = 0;
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const stop = new Promise<string>((resolve) => {
    onSignal = (signal) => {
      signals++;
      if (signals === 1) {
        log.info("signal received: stopping gracefully (send it again to exit at once)", { signal });
        resolve(signal);
        return;
      }
      log.error("second signal: exiting at once, without committing the event in hand", { signal });
      process.exit(1);
    };
  });
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    await runWorker({
      kind,
      config,
      kafka,
      batchSize: opts.batchSize ?? 1_000,
      metrics: { port: opts.metricsPort, host: opts.metricsHost, from: "--metrics-port" },
      lagIntervalMs: opts.lagInterval,
      stopTimeoutMs: opts.stopTimeout,
      log,
      stop,
    });
  } finally {
    // Every client is closed by now; should a library still hold a timer, it must not keep a stopped worker alive.
    setTimeout(() => process.exit(), 2_000).unref();
  }
}

const EXAMPLES: Record<WorkerKind, string> = {
  fanout: `
Examples:
  $ feed-engine worker fanout --source postgres://app@db/app --timelines redis://cache:6379 --bus kafka://k1:9092,k2:9092
  $ FEED_ENGINE_BUS=kafka://127.0.0.1:9092 feed-engine worker fanout --metrics-port 0 --log-format text
  $ curl -s 127.0.0.1:9464/metrics | grep feed_engine_consumer_lag

Start one per machine or container, as many as the topics have partitions (6 by default): they share the
partitions of consumer group <prefix>feed-engine.fanout. SIGTERM or Ctrl-C stops one gracefully (exit 0).
`,
  notifications: `
Examples:
  $ feed-engine worker notifications --source postgres://app@db/app --timelines redis://cache:6379 --bus kafka://k1:9092
  $ curl -s 127.0.0.1:9465/healthz

Workers share the partitions of consumer group <prefix>feed-engine.notifications. SIGTERM or Ctrl-C stops one
gracefully (exit 0).
`,
};

function workerSubcommand(kind: WorkerKind): Command {
  const command = new Command(kind).description(
    `run ${WORKERS[kind].describe}; a member of consumer group <kafka prefix>${WORKERS[kind].group}`,
  );
  addBackendOptions(command, kind === "fanout" ? ["timelines", "policy", "bus"] : ["timelines", "bus"]);
  const group = "Worker:";
  const add = (option: Option) => command.addOption(option.helpGroup(group));
  add(
    new Option("--metrics-port <port>", "port of /metrics and /healthz; 0 picks a free one (printed in the log)")
      .argParser(integerOption(0, 65_535))
      .default(9464),
  );
  add(new Option("--metrics-host <host>", "interface /metrics listens on").default("0.0.0.0"));
  add(
    new Option("--concurrency <n>", "partitions handled at once (each in order)")
      .argParser(integerOption(1, 1_000))
      .default(1),
  );
  if (kind === "fanout") {
    add(
      new Option("--batch-size <n>", "followers read and written per step of a post's fan-out")
        .argParser(integerOption(1, 100_000))
        .default(1_000),
    );
  }
  add(
    new Option(
      "--session-timeout <ms>",
      "how long the group waits for a silent (crashed) worker before moving its partitions",
    )
      .argParser(integerOption(6_000, 3_600_000))
      .default(30_000),
  );
  add(
    new Option("--lag-interval <ms>", "how often the consumer lag is polled")
      .argParser(integerOption(100, 3_600_000))
      .default(5_000),
  );
  add(
    new Option("--stop-timeout <ms>", "longest graceful stop before the event in hand is abandoned (exit 1)")
      .argParser(integerOption(100, 3_600_000))
      .default(30_000),
  );
  add(
    new Option("--log-format <format>", "json (one object per line) or text")
      .argParser(logFormat)
      .default("json" as LogFormat),
  );
  return command.addHelpText("after", EXAMPLES[kind]).action(async (opts: WorkerFlags, cmd: Command) => {
    const verbose = cmd.optsWithGlobals<{ verbose?: boolean }>().verbose === true;
    await runUntilSignalled(kind, opts, verbose);
  });
}

const EXAMPLES_ALL = `
Examples:
  $ feed-engine worker fanout --bus kafka://127.0.0.1:9092 --source postgres://app@db/app --timelines redis://cache:6379
  $ feed-engine worker notifications --bus kafka://127.0.0.1:9092 --source postgres://app@db/app --timelines redis://cache:6379 --metrics-port 9465
`;

/** `feed-engine worker fanout|notifications`: long-running consumers of the engine's event bus. */
export function workerCommand(): Command {
  const command = new Command("worker")
    .description(
      "run a fan-out or notification worker: a long-running consumer in the engine's Kafka consumer group, with " +
        "Prometheus /metrics, /healthz and JSON logs; stops gracefully on SIGTERM/SIGINT",
    )
    .addHelpText("after", EXAMPLES_ALL)
    // The entry point copies its settings (exit override, error output) to this command; pass them on.
    .hook("preSubcommand", (self, sub) => {
      sub.copyInheritedSettings(self);
    });
  for (const kind of Object.keys(WORKERS) as WorkerKind[]) command.addCommand(workerSubcommand(kind));
  return command;
}
