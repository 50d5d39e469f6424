import { createHash, randomBytes } from "node:crypto";

/** The secret part of a single-use link: 256 random bits, safe in a URL path. */
export function newLinkSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** What the database keeps of a link's secret, so that reading the database gives no working link. */
export function hashLinkSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Whether a string could be a link secret at all; anything else is refused before any lookup. */
export function isLinkSecret(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
