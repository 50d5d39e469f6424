/**
 * Reply tokens. LINE's are 32 hex characters; ours are the 128 bits of the event's own
 * `webhookEventId` (a ULID), written in hex. The token stays as unguessable as the ID's 80 random
 * bits, a redelivery carries the same token as LINE's do, and the reply endpoint finds the event
 * a token came with through the event's unique key, so that accepting an event writes nothing
 * more for its token.
 */
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** The reply token that goes with the event `webhookEventId`. */
export function replyTokenFor(webhookEventId: string): string {
  let value = 0n;
  for (const char of webhookEventId) value = (value << 5n) | BigInt(CROCKFORD.indexOf(char));
  return value.toString(16).padStart(32, "0");
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
