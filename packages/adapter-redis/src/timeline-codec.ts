import { assertId, FeedError, type Id, type TimelineSlice } from "@feed-engine/core";

/**
 * How a timeline is laid out in its Redis string: a 9-byte header (8-byte big-endian floor, then a flags byte whose
 * bit 0 means complete) and then every entry as an 8-byte big-endian unsigned id, ascending. Ids are validated as
 * canonical decimal strings from 0 to 2^63-1 (core's `assertId`) before anything is encoded, so no hostile string
 * reaches Redis.
 */
export const ENTRY_BYTES = 8;

/** The 8-byte big-endian form of one id; throws `VALIDATION` unless it is a canonical id. */
export function encodeId(id: unknown, field: string): Buffer {
  assertId(id, field);
  const bytes = Buffer.allocUnsafe(ENTRY_BYTES);
  bytes.writeBigUInt64BE(BigInt(id));
  return bytes;
}

/** Validates a list of ids (an array of canonical ids) without encoding it. */
export function assertIds(ids: unknown, field: string): asserts ids is readonly Id[] {
  if (!Array.isArray(ids)) throw new FeedError("VALIDATION", `${field} must be an array of ids`, { field });
  for (const id of ids) assertId(id, field);
}

/** Ids as one Buffer of 8-byte big-endian entries, ascending and without duplicates; throws `VALIDATION` first. */
export function encodeSortedIds(ids: unknown, field: string): Buffer {
  assertIds(ids, field);
  const values = ids.map((id) => BigInt(id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const bytes = Buffer.allocUnsafe(values.length * ENTRY_BYTES);
  let length = 0;
  for (let i = 0; i < values.length; i++) {
    if (i > 0 && values[i] === values[i - 1]) continue;
    bytes.writeBigUInt64BE(values[i]!, length);
    length += ENTRY_BYTES;
  }
  return bytes.subarray(0, length);
}

/**
 * Decodes `read-1.lua`'s reply into a slice, newest first: the header (the floor the store's cap sees, flags) and the
 * page's entries, ascending. Entries at or below that floor are stale (left by pushes into a full timeline, or under
 * a floor raised in place) and are dropped here.
 */
export function decodeSlice(header: Buffer, page: Buffer): TimelineSlice {
  const floor = header.readBigUInt64BE(0);
  const ids: Id[] = [];
  for (let at = page.length - ENTRY_BYTES; at >= 0; at -= ENTRY_BYTES) {
    const id = page.readBigUInt64BE(at);
    if (id <= floor) break;
    ids.push(id.toString());
  }
  return { ids, floor: floor.toString() };
}
