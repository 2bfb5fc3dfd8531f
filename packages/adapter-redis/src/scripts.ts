import { readFileSync } from "node:fs";
import type { RedisClient, RedisCommands } from "./client.js";

/** Where the Lua files are: `src/lua` under vitest and tsx, `dist/lua` once built (tsup copies them). */
const LUA_DIR = new URL("./lua/", import.meta.url);

/** An argument of a script command. */
type Arg = string | number | Buffer;

/**
 * The timeline scripts: file `<name>-<numKeys>.lua` (`n` when the caller passes the number of keys), and the command
 * name it is defined under on the client. The names are namespaced so they cannot clash with the caller's commands.
 */
const TIMELINE_SCRIPTS = {
  prepare: { file: "prepare-1.lua", command: "feedEngineTimelinePrepare" },
  union: { file: "union-1.lua", command: "feedEngineTimelineUnion" },
  push: { file: "push-n.lua", command: "feedEngineTimelinePush" },
  read: { file: "read-1.lua", command: "feedEngineTimelineRead" },
  remove: { file: "remove-n.lua", command: "feedEngineTimelineRemove" },
} as const;

const sources = new Map<string, string>();
const defined = new WeakSet<RedisClient>();

/** A script's source, with each `--- @include "name"` line replaced by `lua/includes/name.lua` (BullMQ's habit). */
function lua(file: string): string {
  let source = sources.get(file);
  if (source === undefined) {
    source = readFileSync(new URL(file, LUA_DIR), "utf8").replace(/^--- @include "([\w-]+)"$/gm, (_, name: string) =>
      readFileSync(new URL(`includes/${name}.lua`, LUA_DIR), "utf8"),
    );
    sources.set(file, source);
  }
  return source;
}

/** The number of keys in a script's file name (`read-1.lua`: 1); undefined for `-n`, where the caller passes it. */
function numberOfKeys(file: string): number | undefined {
  const match = /-(\d+)\.lua$/.exec(file);
  return match === null ? undefined : Number(match[1]);
}

/** Defines the timeline scripts on `client` (once per client; ioredis sends EVALSHA and loads a script on NOSCRIPT). */
export function defineTimelineScripts(client: RedisClient): void {
  if (defined.has(client)) return;
  for (const { file, command } of Object.values(TIMELINE_SCRIPTS)) {
    const keys = numberOfKeys(file);
    client.defineCommand(command, keys === undefined ? { lua: lua(file) } : { lua: lua(file), numberOfKeys: keys });
  }
  defined.add(client);
}

/**
 * Calls a defined script command on a pipeline (queued) or a client (sent; returns the reply's promise): the one
 * place where a command is reached by name.
 */
function queue(target: RedisCommands, command: string, args: Arg[]): unknown {
  const send = (target as unknown as Record<string, ((...args: Arg[]) => unknown) | undefined>)[command];
  if (send === undefined) throw new Error(`the script command ${command} is not defined on this client`);
  return send.apply(target, args);
}

/** Typed wrappers: each calls one script on a pipeline or a client, and returns what {@link queue} returns. */
export const timelineScripts = {
  /** `prepare-1.lua`; replies 1 (created) or 0 (existed). */
  prepare(target: RedisCommands, key: string, ttl: number): unknown {
    return queue(target, TIMELINE_SCRIPTS.prepare.command, [key, ttl]);
  },
  /** `union-1.lua` (fill or merge); replies 1 (written), 0 (absent, merge) or a failure code. */
  union(
    target: RedisCommands,
    key: string,
    args: { floor: Buffer; ids: Buffer; cap: number; ttl: number; fill: boolean },
  ): unknown {
    return queue(target, TIMELINE_SCRIPTS.union.command, [
      key,
      args.floor,
      args.ids,
      args.cap,
      args.ttl,
      args.fill ? 1 : 0,
    ]);
  },
  /** `push-n.lua`; replies how many of `keys` hold the entry, or a failure code. */
  push(target: RedisCommands, keys: readonly string[], id: Buffer, cap: number, ttl: number): unknown {
    return queue(target, TIMELINE_SCRIPTS.push.command, [keys.length, ...keys, id, cap, ttl]);
  },
  /** `read-1.lua` (binary reply); replies null, `[header, page]` as Buffers, or a failure code. */
  read(
    target: RedisCommands,
    key: string,
    args: { before: Buffer | undefined; limit: number; ttl: number; cap: number },
  ): unknown {
    return queue(target, `${TIMELINE_SCRIPTS.read.command}Buffer`, [
      key,
      args.before ?? "",
      args.limit,
      args.ttl,
      args.cap,
    ]);
  },
  /** `remove-n.lua`; replies how many entries were removed, or a failure code. */
  remove(target: RedisCommands, keys: readonly string[], ids: Buffer, cap: number): unknown {
    return queue(target, TIMELINE_SCRIPTS.remove.command, [keys.length, ...keys, ids, cap]);
  },
};
