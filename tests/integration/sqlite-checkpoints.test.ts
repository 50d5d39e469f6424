import Database from "better-sqlite3";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { CheckpointThread } from "@/lib/delivery/sqlite-checkpoints";
import { SqliteDeliveryStore } from "@/lib/delivery/sqlite-store";
import type { NewEvent } from "@/lib/delivery/store";
import { migrateSqlite } from "@/lib/migrate";
import { isPostgresRun } from "../support/database";

const dir = mkdtempSync(path.join(tmpdir(), "checkpoints-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const events = (n: number, from: number): NewEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    webhookEventId: `01CHECKPOINT${String(from + i).padStart(14, "0")}`,
    channelId: "checkpoints",
    type: "message",
    event: JSON.stringify({ type: "message", text: "x".repeat(400) }),
    status: "pending",
    origin: "load",
    createdAt: Date.now(),
  }));

async function waitUntil(condition: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
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
      // …and the thread copies them into the file itself within moments, which grows by their size.
      await waitUntil(() => statSync(file).size - before > 4_000_000);
      expect(statSync(path.join(`${file}-wal`)).size).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  test("a thread that cannot checkpoint says so, so that its store checkpoints for itself again", async () => {
    const failure = await new Promise<unknown>((resolve) => new CheckpointThread(path.join(dir, "missing", "console.db"), resolve));
    expect(String(failure)).toMatch(/directory does not exist|unable to open/i);
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
