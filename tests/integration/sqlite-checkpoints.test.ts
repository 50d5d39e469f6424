import Database from "better-sqlite3";
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { CheckpointThread } from "@/lib/delivery/sqlite-checkpoints";
import { SqliteDeliveryStore } from "@/lib/delivery/sqlite-store";
import type { NewEvent } from "@/lib/delivery/store";
import { migrateSqlite } from "@/lib/migrate";
import { isPostgresRun } from "../support/database";
import { waitUntil } from "../support/wait";
import { EventStatus } from "@/lib/delivery/lifecycle";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "checkpoints-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const events = (n: number, from: number): NewEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    webhookEventId: `01CHECKPOINT${String(from + i).padStart(14, "0")}`,
    channelId: "checkpoints",
    type: "message",
    event: JSON.stringify({ type: "message", text: "x".repeat(400) }),
    sourceUserId: null,
    sourceGroupId: null,
    status: EventStatus.pending,
    origin: "load",
    createdAt: Date.now(),
  }));

/**
 * The events the database file holds by itself, as a copy of it without its WAL shows; a copy
 * taken while a checkpoint writes pages may not read whole, and counts as none.
 */
function eventsInFileAlone(file: string): number {
  const copy = path.join(dir, "alone.db");
  for (const stale of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(stale, { force: true });
  copyFileSync(file, copy);
  const alone = new Database(copy);
  try {
    return alone.prepare(`SELECT count(*) FROM "WebhookEvent"`).pluck().get() as number;
  } catch {
    return 0;
  } finally {
    alone.close();
  }
}

describe.skipIf(isPostgresRun())("SQLite checkpoints", () => {
  test("the store's commits leave the WAL to a thread, which copies it into the database file", async () => {
    const file = path.join(dir, "console.db");
    migrateSqlite(file);
    const store = new SqliteDeliveryStore(file);
    try {
      const before = statSync(file).size;
      // About 5 MB of events: five times what would make SQLite checkpoint on a commit of its own.
      for (let i = 0; i < 10; i++) await store.insertEvents(events(1000, i * 1000));
      // Every event is there for any connection at once, from the WAL…
      const reader = new Database(file, { readonly: true });
      try {
        expect(reader.prepare(`SELECT count(*) FROM "WebhookEvent"`).pluck().get()).toBe(10_000);
      } finally {
        reader.close();
      }
      // …and the thread copies them into the file itself within moments: it grows by their size,
      // and holds every one of them without its WAL.
      await waitUntil(() => eventsInFileAlone(file) === 10_000, 10_000);
      expect(statSync(file).size - before).toBeGreaterThan(4_000_000);
    } finally {
      await store.close();
    }
  });

  test("a store whose file another store checkpoints never checkpoints, and that store's thread copies its commits too", async () => {
    const file = path.join(dir, "shared.db");
    migrateSqlite(file);
    const writer = new SqliteDeliveryStore(file, [], { checkpoints: "elsewhere" });
    try {
      for (let i = 0; i < 10; i++) await writer.insertEvents(events(1000, i * 1000));
      // Past SQLite's own threshold, and still not in the file: its commits leave the WAL alone…
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(eventsInFileAlone(file)).toBe(0);
      // …until a store with the thread is open on the file.
      const owner = new SqliteDeliveryStore(file);
      try {
        await waitUntil(() => eventsInFileAlone(file) === 10_000, 10_000);
      } finally {
        await owner.close();
      }
    } finally {
      await writer.close();
    }
  });

  test("a thread that cannot checkpoint says so, so that its store checkpoints for itself again", async () => {
    const failure = await new Promise<unknown>((resolve) => new CheckpointThread(path.join(dir, "missing", "console.db"), resolve));
    expect(String(failure)).toMatch(/directory does not exist|unable to open/i);
  });

  test("a process that ends by closing its store gets past the close", async () => {
    const file = path.join(dir, "ending.db");
    migrateSqlite(file);
    // Nothing but the store's thread is left to keep this process alive while the close awaits it.
    const script = `
      const { SqliteDeliveryStore } = await import("./lib/delivery/sqlite-store.ts");
      const store = new SqliteDeliveryStore(process.argv[1]);
      await store.close();
      console.log("closed");
    `;
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, file], { cwd: root });
    expect(stdout.trim()).toBe("closed");
  });

  test("closing the store stops its thread and leaves a database every connection reads whole", async () => {
    const file = path.join(dir, "closed.db");
    migrateSqlite(file);
    const store = new SqliteDeliveryStore(file);
    await store.insertEvents(events(500, 0));
    await store.close();
    const reader = new Database(file, { readonly: true });
    try {
      expect(reader.prepare(`SELECT count(*) FROM "WebhookEvent"`).pluck().get()).toBe(500);
    } finally {
      reader.close();
    }
  });
});
