import { CliError } from "../errors/cli-error.js";
import type { BackendDriver } from "./backend-driver.js";

/**
 * A backend whose URL is recognised but whose adapter this build does not ship yet: opening (or migrating) it fails
 * with one line saying so and what to use meanwhile. Replaced in the registry when the adapter lands.
 */
export function notYetBackend(what: string, instead: string): BackendDriver {
  const fail = (from: string): never => {
    throw new CliError(`${from}: ${what} is not available in this build yet; use ${instead} for now`);
  };
  return {
    open: (_url, context) => Promise.resolve(fail(context.setting.from)),
    migrate: (_url, context) => Promise.resolve(fail(context.setting.from)),
  };
}
