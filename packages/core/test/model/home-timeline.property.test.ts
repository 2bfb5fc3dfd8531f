/**
 * Model-based property tests of the engine against the oracle of docs/definitions.md, under four fan-out policies.
 * A: drained after every command, every page of every read equals the oracle. B: drained only when a command says
 * so, every read obeys the safety rules. Runs and seed come from FEED_PROPERTY_RUNS and FEED_PROPERTY_SEED.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createFeedEngine,
  type FanoutPolicy,
  hybrid,
  ManualClock,
  MemoryEventBus,
  pullAll,
  pushAll,
} from "../../src/index.js";
import { expectHomeExact, expectNotificationsExact } from "./checks.js";
import { HANDLES, type Scenario, scenarios } from "./commands.js";
import { createModel } from "./oracle.js";
import { runCommand, type World } from "./runner.js";

const numRuns = Number(process.env.FEED_PROPERTY_RUNS ?? 1000);
const seed = Number(process.env.FEED_PROPERTY_SEED ?? 20261121);
const MAX_COMMANDS = Number(process.env.FEED_PROPERTY_COMMANDS ?? 100);
const WINDOW_MS = 12 * 3_600_000;
/** 09:00 UTC, so that clock advances cross the 12:00 notification window boundary. */
const START = Date.UTC(2026, 0, 1, 9);

console.log(`feed-engine property tests: seed ${seed}, ${numRuns} runs per policy and property`);

const policies: [string, () => FanoutPolicy][] = [
  ["push-all", () => pushAll()],
  ["pull-all", () => pullAll()],
  ["hybrid, threshold 2", () => hybrid({ celebrityThreshold: 2, inactiveAfterDays: null })],
  ["hybrid, threshold 2, inactive after 1 day", () => hybrid({ celebrityThreshold: 2, inactiveAfterDays: 1 })],
];

/** The `withCase` mask that keeps `handle` as written. */
function caseMaskOf(handle: string): number {
  return [...handle].reduce((mask, c, i) => (c !== c.toLowerCase() ? mask | (1 << i) : mask), 0);
}

async function run(policy: FanoutPolicy, scenario: Scenario, exact: boolean): Promise<void> {
  const clock = new ManualClock(START);
  // Retries are instant; a handler that fails every attempt is an engine bug, checked below.
  const bus = new MemoryEventBus({ autoDrain: false, sleep: async () => {} });
  const engine = createFeedEngine({
    clock,
    policy,
    bus,
    timelineCap: 5,
    backfillLimit: 3,
    fanoutBatchSize: 2,
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
    expect(bus.deadLetters, "no event handler failed for good").toEqual([]);
    // Once drained, every reader's home timeline and notifications have converged on the oracle. Without draining
    // in between, a read mark may have been set before older notifications arrived, so `read` is compared in A only.
    for (const user of world.model.users) {
      await expectHomeExact(engine, world.model, user.id, [4]);
      await expectNotificationsExact(engine, world.model, user.id, [4], WINDOW_MS, { compareRead: exact });
    }
  } finally {
    await engine.close();
  }
}

function check(exact: boolean, makePolicy: () => FanoutPolicy) {
  return fc.assert(
    fc.asyncProperty(scenarios({ undrained: !exact, maxCommands: MAX_COMMANDS }), (scenario) =>
      run(makePolicy(), scenario, exact),
    ),
    { seed, numRuns },
  );
}

describe.each(policies)("policy %s", (_name, makePolicy) => {
  it("A: after draining, every page equals the oracle", () => check(true, makePolicy), 600_000);
  it("B: without draining, every read is safe", () => check(false, makePolicy), 600_000);
});
