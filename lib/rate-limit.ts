/**
 * Rate limits of the LINE-compatible Messaging API, per channel and per class of endpoint, as
 * fixed-window counters: a window opens with a channel's first request and lasts `windowMs`; at
 * most `limit` requests are let through in it.
 */

/** How many requests one channel may make to one class of endpoint in one window. */
export type RateLimit = { limit: number; windowMs: number };

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * The test endpoint sends a real request to someone's server, so it gets LINE's tight limit
 * (60 per hour); reading and setting the endpoint only touch our database.
 */
export const RATE_LIMITS = {
  webhookTest: { limit: 60, windowMs: HOUR_MS },
  webhookEndpoint: { limit: 1000, windowMs: MINUTE_MS },
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

type Window = { start: number; count: number; windowMs: number };

/** Expired windows are swept now and then, so idle channels do not hold memory for ever. */
const SWEEP_EVERY = 1000;

/** Counts requests per key in fixed windows. Pure and clock-injected, so it is table-tested. */
export class FixedWindowCounter {
  private readonly windows = new Map<string, Window>();
  private hitsSinceSweep = 0;

  /** Counts one request for `key` under `rule` at `now`; a refused request is not counted. */
  hit(key: string, rule: RateLimit, now: number = Date.now()): RateLimitOutcome {
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || now >= window.start + window.windowMs) {
      window = { start: now, count: 0, windowMs: rule.windowMs };
      this.windows.set(key, window);
    }
    const resetAt = window.start + window.windowMs;
    if (window.count >= rule.limit) return { allowed: false, limit: rule.limit, remaining: 0, resetAt };
    window.count += 1;
    return { allowed: true, limit: rule.limit, remaining: rule.limit - window.count, resetAt };
  }

  /** How many keys have a window open; for tests of the sweep. */
  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    if (++this.hitsSinceSweep < SWEEP_EVERY) return;
    this.hitsSinceSweep = 0;
    for (const [key, window] of this.windows) {
      if (now >= window.start + window.windowMs) this.windows.delete(key);
    }
  }
}

// The counters live in this process's memory, on globalThis because Next bundles each route
// handler separately and they must share one counter. That is exact for the embedded default (one
// app process); with several app processes behind a balancer each counts on its own, so a channel
// could get up to N times the limit. A shared deployment needs a database-backed counter (a
// table keyed by channel, class and window start), which this build does not have yet.
const shared = globalThis as unknown as { messagingApiRateLimiter?: FixedWindowCounter };

/** The process's rate-limit counter for the Messaging API. */
export function rateLimiter(): FixedWindowCounter {
  shared.messagingApiRateLimiter ??= new FixedWindowCounter();
  return shared.messagingApiRateLimiter;
}

/** Counts one request of a channel to a class of endpoint against its limit. */
export function hitRateLimit(channelId: string, limitClass: RateLimitClass, now: number = Date.now()): RateLimitOutcome {
  return rateLimiter().hit(`${channelId}:${limitClass}`, RATE_LIMITS[limitClass], now);
}
