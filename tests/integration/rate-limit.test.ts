import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { hitWindow, RATE_LIMITS, type RateLimit } from "@/lib/http/rate-limit";

const HOUR = 60 * 60 * 1000;
const T0 = Date.UTC(2025, 0, 1, 9, 30);
const rule = RATE_LIMITS.webhookTest;
let keys = 0;

/** A key no other test uses: the file's tests share one database. */
const newKey = () => `c${++keys}:webhookTest`;

/** Makes `count` requests for `key` at `at`, one after another, and says how many were let through. */
async function hitMany(key: string, limit: RateLimit, count: number, at: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < count; i++) if ((await hitWindow(key, limit, at)).allowed) allowed++;
  return allowed;
}

describe("LINE's limits", () => {
  test("the test endpoint: 60 per hour; the others: 1,000 per minute", () => {
    expect(RATE_LIMITS.webhookTest).toEqual({ limit: 60, windowMs: HOUR });
    expect(RATE_LIMITS.webhookEndpoint).toEqual({ limit: 1000, windowMs: 60_000 });
    expect(RATE_LIMITS.scriptEvents).toEqual({ limit: 1000, windowMs: 60_000 });
  });
});

describe("a fixed-window counter in the database", () => {
  test("lets 60 tests through in an hour and refuses the 61st, saying when the window ends", async () => {
    const key = newKey();
    expect(await hitMany(key, rule, 60, T0)).toBe(60);
    expect(await hitWindow(key, rule, T0 + 1000)).toEqual({ allowed: false, limit: 60, remaining: 0, resetAt: T0 + HOUR });
  });

  test.each([
    ["the first request", 0, 59],
    ["the 30th", 29, 30],
    ["the 60th", 59, 0],
  ])("counts down what is left: after %s, %i earlier, %i remain", async (_name, earlier, remaining) => {
    const key = newKey();
    await hitMany(key, rule, earlier, T0);
    expect(await hitWindow(key, rule, T0 + 5)).toMatchObject({ allowed: true, remaining });
  });

  test.each([
    ["one millisecond before the window ends", HOUR - 1, false],
    ["as the window ends", HOUR, true],
    ["long after", 5 * HOUR, true],
  ])("a used-up channel, %s: let through again = %s", async (_name, offset, allowed) => {
    const key = newKey();
    await hitMany(key, rule, 60, T0);
    expect((await hitWindow(key, rule, T0 + offset)).allowed).toBe(allowed);
  });

  test("opens the window at the channel's first request, not at a clock hour", async () => {
    const key = newKey();
    const start = T0 + 59 * 60 * 1000;
    await hitMany(key, rule, 60, start);
    // Past the clock hour, but within an hour of the first request.
    expect((await hitWindow(key, rule, start + 2 * 60 * 1000)).allowed).toBe(false);
  });

  test("refused requests do not shorten the next window: it has the full allowance", async () => {
    const key = newKey();
    await hitMany(key, rule, 100, T0);
    expect(await hitMany(key, rule, 61, T0 + HOUR)).toBe(60);
  });

  test("keeps channels and classes of endpoint apart", async () => {
    await hitMany("c1:webhookTest", rule, 60, T0);
    expect((await hitWindow("c2:webhookTest", rule, T0)).allowed).toBe(true);
    expect((await hitWindow("c1:webhookEndpoint", RATE_LIMITS.webhookEndpoint, T0)).allowed).toBe(true);
    expect((await hitWindow("c1:webhookTest", rule, T0)).allowed).toBe(false);
  });

  test("two processes sharing the database let exactly the limit through between them", async () => {
    const script = path.join(import.meta.dirname, "../support/rate-hits.ts");
    const run = () =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", script, "shared:webhookTest", "40", String(T0)], {
          env: process.env,
          stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        child.stdout.on("data", (c: Buffer) => (out += c.toString()));
        child.on("exit", (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`exit ${code}`))));
      });
    const [a, b] = await Promise.all([run(), run()]);
    // 80 requests at once against a limit of 60.
    expect(a + b).toBe(60);
  }, 60_000);
});
