import { randomFillSync } from "node:crypto";

// Events need several random values each (IDs, reply and quote tokens); filling one buffer from
// the CSPRNG and slicing it costs far less than a call to the CSPRNG per value.
const POOL_SIZE = 16 * 1024;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

/**
 * `size` cryptographically random bytes. The view is only valid until the next call: encode it
 * (hex, base64url) at once.
 */
export function randomBytesPooled(size: number): Buffer {
  if (size > POOL_SIZE) throw new RangeError(`at most ${POOL_SIZE} bytes at a time`);
  if (offset + size > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const view = pool.subarray(offset, offset + size);
  offset += size;
  return view;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID: 48 bits of milliseconds and 80 random bits, in Crockford's base32 (26 characters). */
export function ulid(time: number = Date.now()): string {
  let out = "";
  let t = time;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32] + out;
    t = Math.floor(t / 32);
  }
  const random = randomBytesPooled(10);
  // 80 bits as 16 five-bit groups, two bytes at a time would straddle; walk the bits instead.
  let buffer = 0;
  let bits = 0;
  for (const byte of random) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}
