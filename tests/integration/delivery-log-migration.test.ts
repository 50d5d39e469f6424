import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, test } from "vitest";
import { migratePostgres, migrateSqlite } from "@/lib/migrate";
import { createScratchDatabase, dropScratchDatabase } from "../../scripts/db-check";
import { isPostgresRun, testPostgresUrl } from "../support/database";
import { migrationsBefore } from "../support/migrations";

const FILTERS_MIGRATION = { sqlite: "0008_delivery_log_filters.sql", postgres: "0004_delivery_log_filters.sql" };
const GROUP = `C${"1".repeat(32)}`;
const USER = `U${"2".repeat(32)}`;
const scratch: string[] = [];

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

const EVENT = JSON.stringify({ type: "message", source: { type: "group", groupId: GROUP, userId: USER }, webhookEventId: "01OLD" });

describe("sends logged before the Delivery log's filters", () => {
  test.skipIf(isPostgresRun())("SQLite: take their event's type and source from the stored event", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "log-migration-"));
    scratch.push(dataDir);
    const file = path.join(dataDir, "console.db");
    migrateSqlite(file, migrationsBefore("sqlite", FILTERS_MIGRATION.sqlite, scratch));
    const sqlite = new Database(file);
    const at = "2026-11-23T00:00:00.000+00:00";
    sqlite
      .prepare(`INSERT INTO "WebhookEvent" ("webhookEventId", "channelId", "type", "event", "status", "origin", "attempts", "createdAt") VALUES ('01OLD', '1', 'message', ?, 'delivered', 'api', 1, ?)`)
      .run(EVENT, at);
    const insert = sqlite.prepare(
      `INSERT INTO "DeliveryAttempt" ("channelId", "webhookEventId", "kind", "url", "startedAt", "durationMs", "success", "requestExcerpt") VALUES ('1', ?, ?, 'http://bot', ?, 1, 1, '')`,
    );
    insert.run("01OLD", "event", at);
    insert.run(null, "verify", at);
    sqlite.close();
    migrateSqlite(file, migrationsBefore("sqlite", undefined, scratch));
    const migrated = new Database(file, { readonly: true });
    expect(migrated.prepare(`SELECT "kind", "eventType", "sourceUserId", "sourceGroupId" FROM "DeliveryAttempt" ORDER BY "id"`).all()).toEqual([
      { kind: "event", eventType: "message", sourceUserId: USER, sourceGroupId: GROUP },
      { kind: "verify", eventType: null, sourceUserId: null, sourceGroupId: null },
    ]);
    migrated.close();
  });

  test.runIf(isPostgresRun())(
    "PostgreSQL: take their event's type and source from the stored event",
    async () => {
      const url = await createScratchDatabase(testPostgresUrl(), "console_log_migration");
      try {
        await migratePostgres(url, migrationsBefore("postgres", FILTERS_MIGRATION.postgres, scratch));
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(
            `INSERT INTO "WebhookEvent" ("webhookEventId", "channelId", "type", "event", "status", "origin", "attempts", "createdAt") VALUES ('01OLD', '1', 'message', $1, 'delivered', 'api', 1, now())`,
            [EVENT],
          );
          await client.query(
            `INSERT INTO "DeliveryAttempt" ("channelId", "webhookEventId", "kind", "url", "startedAt", "durationMs", "success", "requestExcerpt")
             VALUES ('1', '01OLD', 'event', 'http://bot', now(), 1, true, ''), ('1', NULL, 'verify', 'http://bot', now(), 1, true, '')`,
          );
        } finally {
          await client.end();
        }
        await migratePostgres(url, migrationsBefore("postgres", undefined, scratch));
        const after = new pg.Client({ connectionString: url });
        await after.connect();
        try {
          const { rows } = await after.query(`SELECT "kind", "eventType", "sourceUserId", "sourceGroupId" FROM "DeliveryAttempt" ORDER BY "id"`);
          expect(rows).toEqual([
            { kind: "event", eventType: "message", sourceUserId: USER, sourceGroupId: GROUP },
            { kind: "verify", eventType: null, sourceUserId: null, sourceGroupId: null },
          ]);
        } finally {
          await after.end();
        }
      } finally {
        await dropScratchDatabase(url);
      }
    },
    60_000,
  );
});
