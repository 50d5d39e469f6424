import { describe, expect, test } from "vitest";
import { FixedWindowCounter, RATE_LIMITS, type RateLimit } from "@/lib/rate-limit";

const HOUR = 60 * 60 * 1000;
const T0 = Date.UTC(2025, 0, 1, 9, 30);

/** Makes `count` requests for `key` at `at`, and says how many were let through. */
function hitMany(counter: FixedWindowCounter, key: string, rule: RateLimit, count: number, at: number): number {
  let allowed = 0;
  for (let i = 0; i < count; i++) if (counter.hit(key, rule, at).allowed) allowed++;
  return allowed;
}

describe("LINE's limits", () => {
  test("the test endpoint: 60 per hour; the others: 1,000 per minute", () => {
    expect(RATE_LIMITS.webhookTest).toEqual({ limit: 60, windowMs: HOUR });
    expect(RATE_LIMITS.webhookEndpoint).toEqual({ limit: 1000, windowMs: 60_000 });
  });
});

describe("a fixed-window counter", () => {
  const rule = RATE_LIMITS.webhookTest;

  test("lets 60 tests through in an hour and refuses the 61st, saying when the window ends", () => {
    const counter = new FixedWindowCounter();
    expect(hitMany(counter, "c1:webhookTest", rule, 60, T0)).toBe(60);
    expect(counter.hit("c1:webhookTest", rule, T0 + 1000)).toEqual({
      allowed: false,
      limit: 60,
      remaining: 0,
      resetAt: T0 + HOUR,
    });
  });

  test.each([
    ["the first request", 0, 59],
    ["the 30th", 29, 30],
    ["the 60th", 59, 0],
  ])("counts down what is left: after %s, %i earlier, %i remain", (_name, earlier, remaining) => {
    const counter = new FixedWindowCounter();
    hitMany(counter, "k", rule, earlier, T0);
    expect(counter.hit("k", rule, T0 + 5)).toMatchObject({ allowed: true, remaining });
  });

  test.each([
    ["one millisecond before the window ends", HOUR - 1, false],
    ["as the window ends", HOUR, true],
    ["long after", 5 * HOUR, true],
  ])("a used-up channel, %s: let through again = %s", (_name, offset, allowed) => {
    const counter = new FixedWindowCounter();
    hitMany(counter, "k", rule, 60, T0);
    expect(counter.hit("k", rule, T0 + offset).allowed).toBe(allowed);
  });

  test("opens the window at the channel's first request, not at a clock hour", () => {
    const counter = new FixedWindowCounter();
    const start = T0 + 59 * 60 * 1000;
    hitMany(counter, "k", rule, 60, start);
    // Past the clock hour, but within an hour of the first request.
    expect(counter.hit("k", rule, start + 2 * 60 * 1000).allowed).toBe(false);
  });

  test("does not count refused requests: the next window has the full allowance", () => {
    const counter = new FixedWindowCounter();
    hitMany(counter, "k", rule, 500, T0);
    expect(hitMany(counter, "k", rule, 61, T0 + HOUR)).toBe(60);
  });

  test("keeps channels and classes of endpoint apart", () => {
    const counter = new FixedWindowCounter();
    hitMany(counter, "c1:webhookTest", rule, 60, T0);
    expect(counter.hit("c2:webhookTest", rule, T0).allowed).toBe(true);
    expect(counter.hit("c1:webhookEndpoint", RATE_LIMITS.webhookEndpoint, T0).allowed).toBe(true);
    expect(counter.hit("c1:webhookTest", rule, T0).allowed).toBe(false);
  });

  test("forgets idle channels' windows once they have ended", () => {
    const counter = new FixedWindowCounter();
    const minute = { limit: 5, windowMs: 60_000 };
    for (let i = 0; i < 999; i++) counter.hit(`idle-${i}`, minute, T0);
    expect(counter.size).toBe(999);
    // The sweep runs every 1,000 requests; by now every idle window has ended.
    counter.hit("busy", minute, T0 + 120_000);
    expect(counter.size).toBe(1);
  });
});
