/**
 * Redis Cluster key slots: CRC16 (XMODEM: polynomial 0x1021, initial value 0) of the key's hash tag, modulo 16,384,
 * as the Redis Cluster specification defines it. Written here because ioredis's `cluster-key-slot` is not a
 * dependency this package can import.
 */

const TABLE = new Uint16Array(256);
for (let byte = 0; byte < 256; byte++) {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  TABLE[byte] = crc;
}

/** CRC16/XMODEM of the UTF-8 bytes of `text`. */
export function crc16(text: string): number {
  const bytes = Buffer.from(text, "utf8");
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

/** The cluster slot of `key`: the CRC16 of its hash tag (the text between the first `{` and the next `}`, if any). */
export function keySlot(key: string): number {
  const open = key.indexOf("{");
  if (open !== -1) {
    const close = key.indexOf("}", open + 1);
    if (close > open + 1) return crc16(key.slice(open + 1, close)) & 16383;
  }
  return crc16(key) & 16383;
}
