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

  test("one whose write meets another connection's lock waits for it, and runs again only if that one wrote", async () => {
    const { id } = await createChannel(admin, providerId, { name: "Held", description: "", email: "" });
    for (const [end, runs] of [["ROLLBACK", 1], ["COMMIT", 2]] as const) {
      let attempts = 0;
      const name = await transaction(async (tx) => {
        attempts += 1;
        await tx.channel.findUniqueOrThrow({ where: { id } });
        if (attempts === 1) {
          // Another connection holds the write lock when this transaction wants it, for 300 ms.
          other.exec("BEGIN IMMEDIATE");
          other.prepare(`UPDATE "Channel" SET "description" = ? WHERE "id" = ?`).run(end, id);
          setTimeout(() => other.exec(end), 300);
        }
        const updated = await tx.channel.update({ where: { id }, data: { name: `Held ${end} ${attempts}` } });
        return updated.name;
      });
      // Rolled back, it left this transaction's snapshot current, so the waiting write went on;
      // committed, it moved the snapshot, so the whole transaction ran again on fresh reads.
      expect(attempts).toBe(runs);
      expect(name).toBe(`Held ${end} ${runs}`);
    }
  });

  test("a statement outside a transaction is not part of one that is open, nor undone by its rollback", async () => {
    let inside!: () => void;
    const insideReached = new Promise<void>((resolve) => (inside = resolve));
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    const failing = transaction(async (tx) => {
      await tx.apiRateWindow.create({ data: { key: "busy:undone", windowEnd: 1n, count: 1 } });
      inside();
      await held;
      throw new Error("changed its mind");
    });
    await insideReached;
    // Sent on the same connection while the transaction is open (a Prisma query is sent once it is
    // awaited): it waits for the transaction to end.
    const outside = Promise.resolve(db().$executeRaw`INSERT INTO "ApiRateWindow" ("key", "windowEnd", "count") VALUES ('busy:apart', 1, 1)`);
    setTimeout(letGo, 50);
    await expect(failing).rejects.toThrow("changed its mind");
    await outside;
    const kept = await db().apiRateWindow.findMany({ where: { key: { in: ["busy:undone", "busy:apart"] } }, select: { key: true } });
    expect(kept).toEqual([{ key: "busy:apart" }]);
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
