#!/usr/bin/env node
import { isFeedError } from "@feed-engine/core";
import { Command, CommanderError } from "commander";
import pkg from "../package.json" with { type: "json" };
import { demoCommand } from "./commands/demo.js";
import { followCommand } from "./commands/follow.js";
import { loadTestCommand } from "./commands/load-test.js";
import { migrateCommand } from "./commands/migrate.js";
import { postCommand } from "./commands/post.js";
import { rebuildCommand } from "./commands/rebuild.js";
import { seedCommand } from "./commands/seed.js";
import { timelineCommand } from "./commands/timeline.js";
import { verifyCommand } from "./commands/verify.js";
import { workerCommand } from "./commands/worker.js";
import { CliError } from "./errors/cli-error.js";
import { Progress } from "./output/progress.js";

// The entry point: the only place that prints errors and sets the exit code. Commands throw.
const progress = new Progress(process.stderr);
const program = new Command("feed-engine")
  .description(pkg.description)
  .version(pkg.version, "-V, --version", "print the version")
  .option("--verbose", "print stack traces with errors")
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`feed-engine: ${text.replace(/^error: /, "")}`) });
program.addCommand(demoCommand(progress).copyInheritedSettings(program));
for (const command of [
  migrateCommand(),
  seedCommand(progress),
  timelineCommand(),
  postCommand(),
  followCommand(),
  rebuildCommand(progress),
  verifyCommand(progress),
  loadTestCommand(progress),
  workerCommand(),
]) {
  program.addCommand(command.copyInheritedSettings(program));
}

// `feed-engine demo --json | head` closes stdout early: that is the reader's choice, not a failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

process.once("SIGINT", () => {
  progress.clear();
  process.stderr.write("\nfeed-engine: interrupted\n");
  process.exit(130);
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has already printed help, the version or its one-line usage error.
    process.exitCode = error.exitCode;
  } else {
    progress.clear();
    const verbose = program.opts<{ verbose?: boolean }>().verbose === true;
    const known = isFeedError(error) || error instanceof CliError;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`feed-engine: ${known ? "" : "unexpected error: "}${message}\n`);
    if (verbose && error instanceof Error) process.stderr.write(stackWithCauses(error));
    else if (!known) process.stderr.write("feed-engine: run again with --verbose for the stack trace\n");
    process.exitCode = 1;
  }
}

/** The stack of an error and of each error in its `cause` chain, for `--verbose`. */
function stackWithCauses(error: Error): string {
  let text = `${error.stack ?? error.message}\n`;
  for (let cause = error.cause, depth = 0; cause !== undefined && depth < 5; cause = (cause as Error).cause, depth++) {
    text += `caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`;
  }
  return text;
}
