import type { RedisClient, RedisCommands } from "./client.js";
import { toFeedError } from "./redis-errors.js";

/**
 * One command of a batch: the cluster slot of its keys, and how to send it: `queue` calls one command on `target`
 * and returns what that call returns (on a client, the promise of the reply).
 */
export interface SlotCommand {
  slot: number;
  queue(target: RedisCommands): unknown;
}

/**
 * Sends a batch in one round trip per node: one pipeline on a standalone client; on a cluster, the commands grouped
 * by the nodes serving their slots, one pipeline per node, all sent at once. Returns the replies in the order of
 * `commands`; throws a {@link FeedError} (after every pipeline has settled) if any command failed.
 *
 * Before a cluster client has loaded its slot map, each slot gets its own pipeline (ioredis routes it once connected).
 */
export async function execByNode(client: RedisClient, commands: readonly SlotCommand[], where: string) {
  if (commands.length === 0) return [];
  if (commands.length === 1) {
    // One command goes out on its own, not as a pipeline of one: a client with `enableAutoPipelining` then sends it
    // in one write with the other commands of the same tick (a home read's last-seen and timeline reads).
    try {
      return [await commands[0]!.queue(client)];
    } catch (error) {
      throw toFeedError(error, where);
    }
  }
  const groups = new Map<string, number[]>();
  if (!client.isCluster) {
    groups.set(
      "",
      commands.map((_, i) => i),
    );
  } else {
    for (let i = 0; i < commands.length; i++) {
      const slot = commands[i]!.slot;
      const nodes = client.slots?.[slot];
      const group = nodes !== undefined && nodes.length > 0 ? nodes.join(";") : `slot ${slot}`;
      const members = groups.get(group);
      if (members === undefined) groups.set(group, [i]);
      else members.push(i);
    }
  }
  const replies: unknown[] = new Array(commands.length);
  const failures: unknown[] = [];
  await Promise.all(
    [...groups.values()].map(async (members) => {
      const pipeline = client.pipeline();
      for (const i of members) commands[i]!.queue(pipeline);
      try {
        const results = await pipeline.exec();
        if (results === null) throw new Error("the pipeline was discarded");
        members.forEach((i, at) => {
          const [error, result] = results[at] ?? [new Error("a pipeline reply is missing"), null];
          if (error) failures.push(error);
          else replies[i] = result;
        });
      } catch (error) {
        failures.push(error);
      }
    }),
  );
  if (failures.length > 0) throw toFeedError(failures[0], where);
  return replies;
}
