import type { Id } from "@feed-engine/core";

/** 2^62: value-derived write timestamps start here, above every real clock reading (in microseconds) for millennia. */
const REGISTER_BASE = 1n << 62n;

/**
 * The write timestamp (`USING TIMESTAMP`) that turns a cell into a max-register of ids: Cassandra keeps the cell with
 * the larger write timestamp, and on equal timestamps the larger value (big-endian bytes compare as numbers for
 * non-negative `bigint`s). So concurrent writers never lower the stored id, with no read and no lightweight
 * transaction. The timestamps sit above any real clock (2^62 µs is ~146,000 years after 1970), so ordinary writes and
 * deletes (a dropped timeline's partition tombstone) never shadow these cells; only TRUNCATE clears them.
 */
export function registerTimestamp(id: Id): string {
  return (REGISTER_BASE + (BigInt(id) >> 2n)).toString();
}
