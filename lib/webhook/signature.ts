import { createHmac } from "node:crypto";

/**
 * The `x-line-signature` header: base64(HMAC-SHA256(channel secret, raw body bytes)). Sign the
 * exact bytes that go on the wire; re-serialising the JSON would change them.
 */
export function signBody(secret: string, rawBody: string | Buffer): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}
