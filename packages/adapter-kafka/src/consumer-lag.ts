import type { Admin } from "kafkajs";

/** How far one consumer group is behind on one partition. */
export interface PartitionLag {
  /** The group as passed to `subscribe` (without the prefix). */
  group: string;
  topic: string;
  partition: number;
  /** The group's committed offset (the next event it will read), or -1 when it never committed on this partition. */
  committed: number;
  /** The partition's end offset (the offset the next published event will get). */
  end: number;
  /** Events published but not yet committed by the group: `end - max(committed, earliest retained offset)`. */
  lag: number;
}

/** The slice of the KafkaJS admin client that lag needs. */
export type LagAdmin = Pick<Admin, "fetchTopicOffsets" | "fetchOffsets">;

/**
 * The lag of each group on each partition of `topics` (admin `fetchOffsets` against `fetchTopicOffsets`). A group
 * that never committed on a partition starts at its earliest retained event, so everything retained counts as lag.
 */
export async function consumerLag(
  admin: LagAdmin,
  groups: readonly { group: string; groupId: string }[],
  topics: readonly string[],
): Promise<PartitionLag[]> {
  const [ends, committed] = await Promise.all([
    Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic))),
    Promise.all(groups.map(({ groupId }) => admin.fetchOffsets({ groupId, topics: [...topics] }))),
  ]);
  const lags: PartitionLag[] = [];
  groups.forEach(({ group }, g) => {
    const byTopic = new Map(committed[g]!.map((entry) => [entry.topic, entry.partitions]));
    topics.forEach((topic, t) => {
      const offsets = new Map(byTopic.get(topic)?.map((p) => [p.partition, Number(p.offset)]));
      for (const { partition, high, low } of ends[t]!) {
        const end = Number(high);
        const at = offsets.get(partition) ?? -1;
        const lag = Math.max(0, end - Math.max(at, Number(low)));
        lags.push({ group, topic, partition, committed: at, end, lag });
      }
    });
  });
  return lags;
}
