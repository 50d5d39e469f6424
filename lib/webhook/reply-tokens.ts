/**
 * Reply tokens. LINE's are 32 hex characters; ours are the 128 bits of the event's own
 * `webhookEventId` (a ULID), written in hex. The token stays as unguessable as the ID's 80 random
 * bits, a redelivery carries the same token as LINE's do, and the reply endpoint finds the event
 * a token came with through the event's unique key, so that accepting an event writes nothing
 * more for its token.
 */
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

const HEX = "0123456789abcdef";

/** The reply token that goes with the event `webhookEventId`. */
export function replyTokenFor(webhookEventId: string): string {
  // Five bits in, four out, in small numbers: every accepted event makes one, and BigInt
  // arithmetic would allocate a number per character. A ULID's 26 characters hold 130 bits: 2
  // for a first hex digit, which is 0 (a ULID starts with 0 to 7) and dropped, and 4 for each other.
  let out = "";
  let buffer = 0;
  let bits = 0;
  let need = 2;
  for (let i = 0; i < webhookEventId.length; i++) {
    buffer = (buffer << 5) | CROCKFORD.indexOf(webhookEventId[i]);
    bits += 5;
    while (bits >= need) {
      bits -= need;
      out += HEX[(buffer >> bits) & 15];
      buffer &= (1 << bits) - 1;
      need = 4;
    }
  }
  return out[0] === "0" ? out.slice(1) : out;
}

/** The `webhookEventId` a reply token was made for, or null for a string no event could have. */
export function webhookEventIdOf(replyToken: string): string | null {
  if (!/^[0-9a-f]{32}$/.test(replyToken)) return null;
  let value = BigInt(`0x${replyToken}`);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}
