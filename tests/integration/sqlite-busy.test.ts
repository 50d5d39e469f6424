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

  test("one holds the write lock from its start, so no other connection writes between its read and its write", async () => {
    const { id } = await createChannel(admin, providerId, { name: "Busy", description: "", email: "" });
    const impatient = new Database(env().sqlitePath, { timeout: 0 });
    let attempts = 0;
    try {
      const name = await transaction(async (tx) => {
        attempts += 1;
        await tx.channel.findUniqueOrThrow({ where: { id } });
        // A dispatcher's heartbeat, say, wants to commit between this transaction's read and its
        // write: it has to wait, so the read stays true until the write.
        expect(() => impatient.prepare(`UPDATE "Channel" SET "description" = 'written elsewhere' WHERE "id" = ?`).run(id)).toThrow(
          /database is locked/,
        );
        const updated = await tx.channel.update({ where: { id }, data: { name: `Busy ${attempts}` } });
        return updated.name;
      });
      expect(attempts).toBe(1);
      expect(name).toBe("Busy 1");
    } finally {
      impatient.close();
    }
    expect(await db().channel.findUniqueOrThrow({ where: { id } })).toMatchObject({ name: "Busy 1", description: "" });
  });

  test("one that begins while another connection holds the lock waits for it, off the thread, and runs once", async () => {
    const { id } = await createChannel(admin, providerId, { name: "Held", description: "", email: "" });
    for (const end of ["ROLLBACK", "COMMIT"]) {
      other.exec("BEGIN IMMEDIATE");
      other.prepare(`UPDATE "Channel" SET "description" = ? WHERE "id" = ?`).run(end, id);
      const release = setTimeout(() => other.exec(end), 300);
      let attempts = 0;
      const started = Date.now();
      const { stallMs, result } = await longestStall(() =>
        transaction(async (tx) => {
          attempts += 1;
          const channel = await tx.channel.findUniqueOrThrow({ where: { id } });
          return (await tx.channel.update({ where: { id }, data: { name: `Held after ${channel.description}` } })).name;
        }),
      );
      clearTimeout(release);
      expect(result).toMatchObject({ status: "fulfilled", value: `Held after ${end === "COMMIT" ? "COMMIT" : ""}` });
      expect(attempts).toBe(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(stallMs).toBeLessThan(250);
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
