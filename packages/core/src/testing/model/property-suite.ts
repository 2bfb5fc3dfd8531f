/**
 * The model-based property suite: random command sequences run against an engine and against the oracle of
 * docs/definitions.md, under several fan-out policies. A: drained after every command, every page of every read equals
 * the oracle. B: drained only when a command says so, every read obeys the safety rules. Shared by the in-memory test
 * and by the adapter packages, which pass their own stores.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createFeedEngine,
  type EventBus,
  type FanoutPolicy,
  type FeedStores,
  hybrid,
  ManualClock,
  MemoryEventBus,
  pullAll,
  pushAll,
} from "../../index.js";
import { expectHomeExact, expectNotificationsExact } from "./checks.js";
import { HANDLES, type Scenario, scenarios } from "./commands.js";
import { createModel } from "./oracle.js";
import { runCommand, type World } from "./runner.js";

/** Stores for one run, built fresh (empty) each time, and how to release them. */
export interface RunStores {
  stores: Partial<FeedStores>;
  close(): Promise<void>;
}

/**
 * An event bus whose workers run elsewhere (another process, through a real broker). The suite's engine only
 * publishes and drains; the workers must run with the same policy, cap, backfill limit and batch size as the suite.
 */
export interface ExternalBus {
  bus: EventBus;
  /** How many events have been dead-lettered so far (the suite requires none). */
  deadLetterCount(): Promise<number>;
}

/** Options of {@link enginePropertySuite}. */
export interface PropertySuiteOptions {
  /** Runs per policy and property (default FEED_PROPERTY_RUNS, else 1,000). */
  numRuns?: number;
  /** Fresh, empty stores for one run; `timelineCap` is the tiny cap the suite needs. Default: in-memory stores. */
  stores?: (config: { timelineCap: number }) => Promise<RunStores>;
  /** The policies to check; default push-all, pull-all and two hybrids. */
  policies?: Array<[string, () => FanoutPolicy]>;
  /**
   * The bus for one policy's runs, with its workers elsewhere; default an in-memory bus per run with the workers in
   * the engine. Runs share it, one after another: each run ends drained, and `stores` must empty the stores.
   */
  bus?: (policyName: string) => ExternalBus;
  /** Most commands per scenario (default FEED_PROPERTY_COMMANDS, else 100). */
  maxCommands?: number;
}

const seed = Number(process.env.FEED_PROPERTY_SEED ?? 20261121);
const MAX_COMMANDS = Number(process.env.FEED_PROPERTY_COMMANDS ?? 100);
/** Suite settings that workers in another process must share; see {@link ExternalBus}. */
export const PROPERTY_SUITE_SETTINGS = { timelineCap: 5, backfillLimit: 3, fanoutBatchSize: 2 } as const;
const WINDOW_MS = 12 * 3_600_000;
/** 09:00 UTC, so that clock advances cross the 12:00 notification window boundary. */
const START = Date.UTC(2026, 0, 1, 9);
/** Tiny, so trimming, the floor and the fall back to the source of truth are exercised constantly. */
const TIMELINE_CAP = PROPERTY_SUITE_SETTINGS.timelineCap;

/** The four policies the issue names. */
export const defaultPolicies: Array<[string, () => FanoutPolicy]> = [
  ["push-all", () => pushAll()],
  ["pull-all", () => pullAll()],
  ["hybrid, threshold 2", () => hybrid({ celebrityThreshold: 2, inactiveAfterDays: null })],
  ["hybrid, threshold 2, inactive after 1 day", () => hybrid({ celebrityThreshold: 2, inactiveAfterDays: 1 })],
];

/** The `withCase` mask that keeps `handle` as written. */
function caseMaskOf(handle: string): number {
  return [...handle].reduce((mask, c, i) => (c !== c.toLowerCase() ? mask | (1 << i) : mask), 0);
}

async function run(
  policy: FanoutPolicy,
  scenario: Scenario,
  exact: boolean,
  makeStores: PropertySuiteOptions["stores"],
  external: ExternalBus | undefined,
): Promise<void> {
  // With in-memory stores and bus, a whole run settles in microtasks and never returns to the event loop, so a file
  // of such runs would hold it for minutes: timers starve, and so do the test runner's own messages (vitest times
  // out a worker's report after 60 s). One turn of the loop per run lets them through.
  await new Promise<void>((resolve) => setImmediate(resolve));
  const clock = new ManualClock(START);
  const runStores = makeStores ? await makeStores({ timelineCap: TIMELINE_CAP }) : undefined;
  // Retries are instant; a handler that fails every attempt is an engine bug, checked below.
  const memoryBus = external ? undefined : new MemoryEventBus({ autoDrain: false, sleep: async () => {} });
  const engine = createFeedEngine({
    clock,
    policy,
    bus: external?.bus ?? memoryBus,
    runWorkers: external === undefined,
    timelineCap: TIMELINE_CAP,
    ...(runStores ? { stores: runStores.stores } : {}),
    backfillLimit: PROPERTY_SUITE_SETTINGS.backfillLimit,
    fanoutBatchSize: PROPERTY_SUITE_SETTINGS.fanoutBatchSize,
    notificationWindowMs: WINDOW_MS,
  });
  const world: World = { engine, model: createModel(), clock, windowMs: WINDOW_MS, exact };
  try {
    for (const handle of HANDLES.slice(0, scenario.initialUsers)) {
      await runCommand(world, { kind: "register", handle: HANDLES.indexOf(handle), caseMask: caseMaskOf(handle) });
    }
    const n = scenario.initialUsers;
    for (const [user, offset] of scenario.initialFollows) {
      await runCommand(world, { kind: "follow", user: user % n, target: (user + 1 + (offset % (n - 1))) % n });
    }
    for (const command of scenario.commands) await runCommand(world, command);
    await engine.drain();
    if (memoryBus) expect(memoryBus.deadLetters, "no event handler failed for good").toEqual([]);
    else expect(await external?.deadLetterCount(), "no event handler failed for good").toBe(0);
    // Once drained, every reader's home timeline and notifications have converged on the oracle. Without draining
    // in between, a read mark may have been set before older notifications arrived, so `read` is compared in A only.
    for (const user of world.model.users) {
      await expectHomeExact(engine, world.model, user.id, [4]);
      await expectNotificationsExact(engine, world.model, user.id, [4], WINDOW_MS, { compareRead: exact });
    }
  } finally {
    await engine.close();
    await runStores?.close();
  }
}

/**
 * Registers properties A and B for every policy. Prints the seed and run count; a failure reports the shrunk
 * counterexample (replay it with FEED_PROPERTY_SEED and the printed path).
 */
export function enginePropertySuite(label: string, options: PropertySuiteOptions = {}): void {
  const numRuns = options.numRuns ?? Number(process.env.FEED_PROPERTY_RUNS ?? 1000);
  const maxCommands = options.maxCommands ?? MAX_COMMANDS;
  console.log(
    `feed-engine property tests (${label}): seed ${seed}, ${numRuns} runs per policy and property, ` +
      `up to ${maxCommands} commands each`,
  );
  const check = (exact: boolean, makePolicy: () => FanoutPolicy, external: ExternalBus | undefined) =>
    fc.assert(
      fc.asyncProperty(scenarios({ undrained: !exact, maxCommands }), (scenario) =>
        run(makePolicy(), scenario, exact, options.stores, external),
      ),
      { seed, numRuns },
    );
  describe.each(options.policies ?? defaultPolicies)(`${label}, policy %s`, (name, makePolicy) => {
    const external = options.bus?.(name);
    it("A: after draining, every page equals the oracle", () => check(true, makePolicy, external), 1_800_000);
    it("B: without draining, every read is safe", () => check(false, makePolicy, external), 1_800_000);
  });
}
