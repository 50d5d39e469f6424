import { randomBytes, randomInt } from "node:crypto";

/** A 10-digit channel ID, as LINE's look. */
export function newChannelId(): string {
  return String(randomInt(1_000_000_000, 2_147_483_647));
}

/** A channel secret: 32 lowercase hex digits. */
export function newChannelSecret(): string {
  return randomBytes(16).toString("hex");
}

/** A bot user ID, the webhook's `destination`: `U` and 32 hex digits. */
export function newBotUserId(): string {
  return `U${randomBytes(16).toString("hex")}`;
}

export const CHANNEL_ID_PATTERN = /^[1-9][0-9]{9}$/;
export const CHANNEL_SECRET_PATTERN = /^[0-9a-f]{32}$/;
