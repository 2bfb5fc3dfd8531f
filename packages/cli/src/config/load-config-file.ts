import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CliError } from "../errors/cli-error.js";
import { type RawSettings, SETTINGS } from "./feed-config.js";

/**
 * Reads a JSON config file (`feed-engine.json`): an object whose keys are the settings' camelCase names (`source`,
 * `timelines`, `bus`, `schema`, `redisPrefix`, `policy`, `celebrityThreshold`, `inactiveAfterDays`, `timelineCap`),
 * with string or number values. An unknown key is an error, so a typo never passes silently.
 *
 * ```json
 * { "source": "postgres://app@db:5432/app", "timelines": "redis://cache:6379", "schema": "feed" }
 * ```
 */
export async function loadConfigFile(path: string, cwd: string): Promise<{ path: string; settings: RawSettings }> {
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(full, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CliError(`cannot read the config file ${full} (${code}); pass --config PATH to an existing file`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CliError(`config file ${full} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new CliError(`config file ${full} must hold a JSON object like {"source": "postgres://..."}`);
  }
  const settings: RawSettings = {};
  for (const [key, value] of Object.entries(data)) {
    if (!(key in SETTINGS)) {
      throw new CliError(
        `config file ${full}: unknown key ${JSON.stringify(key)}; known: ${Object.keys(SETTINGS).join(", ")}`,
      );
    }
    if (value === null && key === "inactiveAfterDays") settings.inactiveAfterDays = "off";
    else if (typeof value === "string" || typeof value === "number") settings[key as keyof RawSettings] = String(value);
    else throw new CliError(`config file ${full}: ${key} must be a string or a number`);
  }
  return { path: full, settings };
}
