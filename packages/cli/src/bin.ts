#!/usr/bin/env node
import { isFeedError } from "@feed-engine/core";
import { Command, CommanderError } from "commander";
import pkg from "../package.json" with { type: "json" };
import { demoCommand } from "./commands/demo.js";
import { migrateCommand } from "./commands/migrate.js";
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
program.addCommand(migrateCommand().copyInheritedSettings(program));

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
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    else if (!known) process.stderr.write("feed-engine: run again with --verbose for the stack trace\n");
    process.exitCode = 1;
  }
}
