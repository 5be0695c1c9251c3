/**
 * CRC-16/ARC as the DSMR P1 companion standard defines it: polynomial
 * x^16+x^15+x^2+1, reflected (0xA001), init 0, no final XOR, computed over
 * every byte from `/` up to and including `!`.
 *
 * Table-driven, 8 bytes per step ("slicing-by-8"): table k maps a byte to its
 * effect k bytes later, so eight lookups replace eight dependent steps. On a
 * 600-byte telegram this is about 3x the speed of the byte-wise loop, which
 * matters because the CRC is the largest single cost of parsing.
 */

/** TABLES[k * 256 + b]: CRC contribution of byte b followed by k zero bytes. */
const TABLES: Uint16Array = (() => {
  const t = new Uint16Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[i] = c;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const prev = t[(k - 1) * 256 + i]!;
      t[k * 256 + i] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return t;
})();

/** CRC-16/ARC of `bytes[start, end)`. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = TABLES;
  let crc = 0;
  let i = start;
  for (const stop = end - 8; i <= stop; i += 8) {
    crc =
      t[7 * 256 + ((crc ^ bytes[i]!) & 0xff)]! ^
      t[6 * 256 + (((crc >>> 8) ^ bytes[i + 1]!) & 0xff)]! ^
      t[5 * 256 + bytes[i + 2]!]! ^
      t[4 * 256 + bytes[i + 3]!]! ^
      t[3 * 256 + bytes[i + 4]!]! ^
      t[2 * 256 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < end; i++) crc = (crc >>> 8) ^ t[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** Four upper-case hex digits, the way the spec prints a CRC. */
export function formatCrc(crc: number): string {
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
