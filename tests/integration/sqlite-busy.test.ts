import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel } from "@/lib/console/channels";
import { db, SQLITE_LOCK_WAIT_MS, transaction } from "@/lib/db";
import { storageFailure } from "@/lib/errors";
import { hitWindow } from "@/lib/http/rate-limit";
import { env } from "@/lib/env";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { isPostgresRun } from "../support/database";

let admin: string;
let providerId: string;

beforeAll(async () => {
  admin = (await createUser("busy@example.com", "pw")).user.id;
  providerId = (await createProvider(admin, "Busy")).id;
});

describe.skipIf(isPostgresRun())("interactive transactions on SQLite", () => {
  let other: Database.Database;
  beforeAll(() => {
    other = new Database(env().sqlitePath, { timeout: 10_000 });
  });
  afterAll(() => other.close());

  test("one that read before another connection wrote is run again, not refused", async () => {
    const { id } = await createChannel(admin, providerId, { name: "Busy", description: "", email: "" });
    let attempts = 0;
    const name = await transaction(async (tx) => {
      attempts += 1;
      await tx.channel.findUniqueOrThrow({ where: { id } });
      // A dispatcher's heartbeat, say, commits between this transaction's read and its write:
      // SQLite cannot let a deferred transaction write on top of a snapshot that moved.
      if (attempts === 1) other.prepare(`UPDATE "Channel" SET "description" = 'written elsewhere' WHERE "id" = ?`).run(id);
      const updated = await tx.channel.update({ where: { id }, data: { name: `Busy ${attempts}` } });
      return updated.name;
    });
    expect(attempts).toBe(2);
    expect(name).toBe("Busy 2");
    const channel = await db().channel.findUniqueOrThrow({ where: { id } });
    expect(channel).toMatchObject({ name: "Busy 2", description: "written elsewhere" });
  });

  test("one that meets another connection's write in progress is run again once it is over", async () => {
    const { id } = await createChannel(admin, providerId, { name: "Held", description: "", email: "" });
    let attempts = 0;
    const name = await transaction(async (tx) => {
      attempts += 1;
      // The other connection's transaction ends between the two runs.
      if (other.inTransaction) other.exec("ROLLBACK");
      await tx.channel.findUniqueOrThrow({ where: { id } });
      // Another connection holds the write lock when this transaction wants it: SQLite refuses at
      // once rather than wait (waiting could deadlock), and Prisma reports a timeout (P1008).
      if (attempts === 1) other.exec("BEGIN IMMEDIATE");
      const updated = await tx.channel.update({ where: { id }, data: { name: `Held ${attempts}` } });
      return updated.name;
    });
    expect(attempts).toBe(2);
    expect(name).toBe("Held 2");
  });

  /** The longest the event loop went without running a 5 ms timer while `work` ran. */
  async function longestStall(work: () => Promise<unknown>): Promise<{ stallMs: number; result: PromiseSettledResult<unknown> }> {
    let last = performance.now();
    let stallMs = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      stallMs = Math.max(stallMs, now - last);
      last = now;
    }, 5);
    const [result] = await Promise.allSettled([work()]);
    clearInterval(ticker);
    return { stallMs, result: result! };
  }

  test("a write outside a transaction waits for another connection's lock without holding the thread", async () => {
    other.exec("BEGIN IMMEDIATE");
    const release = setTimeout(() => other.exec("COMMIT"), 1_000);
    const started = Date.now();
    const { stallMs, result } = await longestStall(() => hitWindow("busy:wait", { limit: 5, windowMs: 60_000 }));
    clearTimeout(release);
    expect(result).toMatchObject({ status: "fulfilled", value: { allowed: true, remaining: 4 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    // SQLite's own busy wait would have held the thread for the whole second.
    expect(stallMs).toBeLessThan(250);
  });

  test("a write given up after the lock wait is a 503 that says the database is busy, and wrote nothing", async () => {
    other.exec("BEGIN IMMEDIATE");
    try {
      const { stallMs, result } = await longestStall(() => hitWindow("busy:refused", { limit: 5, windowMs: 60_000 }));
      expect(result.status).toBe("rejected");
      const failure = storageFailure(result.status === "rejected" ? result.reason : null);
      expect(failure).toMatchObject({ status: 503 });
      expect(failure?.message).toMatch(/database is busy/);
      expect(stallMs).toBeLessThan(250);
    } finally {
      other.exec("ROLLBACK");
    }
    expect(await db().apiRateWindow.findUnique({ where: { key: "busy:refused" } })).toBeNull();
  }, SQLITE_LOCK_WAIT_MS + 10_000);
});
