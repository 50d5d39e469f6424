/**
 * Rate limits of the LINE-compatible Messaging API, per channel and per class of endpoint, as
 * fixed-window counters: a window opens with a channel's first request and lasts `windowMs`; at
 * most `limit` requests are let through in it.
 */
import { db } from "../db";

/** How many requests one channel may make to one class of endpoint in one window. */
export type RateLimit = { limit: number; windowMs: number };

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * The test endpoint sends a real request to someone's server, so it gets LINE's tight limit
 * (60 per hour), and so does the console's Verify, which sends the same request; reading and
 * setting the endpoint only touch our database, and so does the script endpoint, whose requests
 * carry up to 1,000 events each.
 */
export const RATE_LIMITS = {
  webhookTest: { limit: 60, windowMs: HOUR_MS },
  webhookVerify: { limit: 60, windowMs: HOUR_MS },
  webhookEndpoint: { limit: 1000, windowMs: MINUTE_MS },
  scriptEvents: { limit: 1000, windowMs: MINUTE_MS },
  // LINE lets a channel send (reply, push, multicast, broadcast) and read profiles 2,000 times a second.
  messageSend: { limit: 2000, windowMs: 1000 },
  profile: { limit: 2000, windowMs: 1000 },
  // And fetch message content as often.
  messageContent: { limit: 2000, windowMs: 1000 },
} as const satisfies Record<string, RateLimit>;

export type RateLimitClass = keyof typeof RATE_LIMITS;

/** The answer for one request: let through or not, and when the window ends. */
export type RateLimitOutcome = {
  allowed: boolean;
  limit: number;
  /** Requests still allowed in this window after this one. */
  remaining: number;
  /** When the current window ends (ms since the epoch). */
  resetAt: number;
};

/**
 * Counts one request for `key` under `rule` at `now`, in the database that every app process
 * shares, so that a channel gets its limit once however many processes serve it. One atomic
 * upsert: a window that has ended is replaced by a new one opened by this request.
 */
export async function hitWindow(key: string, rule: RateLimit, now: number = Date.now()): Promise<RateLimitOutcome> {
  const end = BigInt(now + rule.windowMs);
  const at = BigInt(now);
  const [row] = await db().$queryRaw<{ count: number | bigint; windowEnd: number | bigint }[]>`
    INSERT INTO "ApiRateWindow" ("key", "windowEnd", "count") VALUES (${key}, ${end}, 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "ApiRateWindow"."windowEnd" <= ${at} THEN 1 ELSE "ApiRateWindow"."count" + 1 END,
      "windowEnd" = CASE WHEN "ApiRateWindow"."windowEnd" <= ${at} THEN excluded."windowEnd" ELSE "ApiRateWindow"."windowEnd" END
    RETURNING "count", "windowEnd"`;
  const count = Number(row!.count);
  // Refused requests are counted too; they change nothing, as the window is full until it ends.
  return {
    allowed: count <= rule.limit,
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - count),
    resetAt: Number(row!.windowEnd),
  };
}

/** Counts one request of a channel to a class of endpoint against its limit. */
export function hitRateLimit(channelId: string, limitClass: RateLimitClass, now: number = Date.now()): Promise<RateLimitOutcome> {
  return hitWindow(`${channelId}:${limitClass}`, RATE_LIMITS[limitClass], now);
}
