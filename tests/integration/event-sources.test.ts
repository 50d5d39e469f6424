import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createChannel, setWebhookSetting, updateWebhookUrl } from "@/lib/console/channels";
import { createProvider } from "@/lib/console/providers";
import { createUser } from "@/lib/auth/users";
import { db } from "@/lib/db";
import { Dispatcher } from "@/lib/delivery/dispatcher";
import { acceptEvents, type EventSpec } from "@/lib/delivery/ingest";
import { deliveryStore } from "@/lib/delivery/runtime";
import { migratePostgres, migrateSqlite } from "@/lib/migrate";
import { closeWebhookConnections } from "@/lib/webhook/sender";
import { createScratchDatabase, dropScratchDatabase } from "../../scripts/db-check";
import { startBot, type TestBot } from "../support/bots";
import { accessOf } from "../support/access";
import { isPostgresRun, testPostgresUrl } from "../support/database";
import { migrationsBefore } from "../support/migrations";
import { waitUntil } from "../support/wait";

const USER = `U${"3".repeat(32)}`;
const GROUP = `C${"4".repeat(32)}`;
const ROOM = `R${"5".repeat(32)}`;

let channelId: string;
let bot: TestBot;
const scratch: string[] = [];

beforeAll(async () => {
  const admin = (await createUser("sources-admin@example.com", "pw")).user.id;
  const provider = await createProvider(admin, "Sources");
  bot = await startBot((_req, res) => {
    res.writeHead(200).end("OK");
  });
  ({ id: channelId } = await createChannel(admin, provider.id, { name: "Sources bot", description: "", email: "" }));
  await updateWebhookUrl(await accessOf(admin, channelId), bot.url);
  await setWebhookSetting(await accessOf(admin, channelId), "useWebhook", true);
});

afterAll(async () => {
  await bot?.close();
  await closeWebhookConnections();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe("an event's source, stored with it", () => {
  test("is written at acceptance and files each send under its user and its group or room", async () => {
    const channel = await db().channel.findUniqueOrThrow({ where: { id: channelId } });
    const specs: EventSpec[] = [
      { type: "follow", userId: USER },
      { type: "message", userId: USER, groupId: GROUP, text: "in the group" },
      { type: "join", roomId: ROOM },
    ];
    const { webhookEventIds } = await acceptEvents(channel, specs, "api");
    const stored = await db().webhookEvent.findMany({
      where: { webhookEventId: { in: webhookEventIds } },
      orderBy: { seq: "asc" },
      select: { type: true, sourceUserId: true, sourceGroupId: true },
    });
    expect(stored).toEqual([
      { type: "follow", sourceUserId: USER, sourceGroupId: null },
      { type: "message", sourceUserId: USER, sourceGroupId: GROUP },
      { type: "join", sourceUserId: null, sourceGroupId: ROOM },
    ]);

    const dispatcher = new Dispatcher({ store: deliveryStore(), channelConcurrency: 1, leaseMs: 30_000, pollMs: 20 });
    dispatcher.start();
    try {
      await waitUntil(async () => (await db().deliveryAttempt.count({ where: { channelId } })) === specs.length);
    } finally {
      await dispatcher.stop();
    }
    const attempts = await db().deliveryAttempt.findMany({
      where: { channelId },
      select: { webhookEventId: true, eventType: true, sourceUserId: true, sourceGroupId: true },
    });
    const byEvent = new Map(attempts.map(({ webhookEventId, ...facts }) => [webhookEventId, facts]));
    expect(webhookEventIds.map((id) => byEvent.get(id))).toEqual([
      { eventType: "follow", sourceUserId: USER, sourceGroupId: null },
      { eventType: "message", sourceUserId: USER, sourceGroupId: GROUP },
      { eventType: "join", sourceUserId: null, sourceGroupId: ROOM },
    ]);
    // The bot got each event's source as it was stored.
    const sources = bot.received.map((r) => JSON.parse(r.body).events[0].source);
    expect(sources).toEqual([
      { type: "user", userId: USER },
      { type: "group", groupId: GROUP, userId: USER },
      { type: "room", roomId: ROOM },
    ]);
  });
});

const SOURCES_MIGRATION = { sqlite: "0012_event_sources.sql", postgres: "0008_event_sources.sql" };

/** Events stored before the migration, and the source each should be given. */
const OLD_EVENTS: { json: string; userId: string | null; groupId: string | null }[] = [
  { json: JSON.stringify({ type: "follow", source: { type: "user", userId: USER } }), userId: USER, groupId: null },
  { json: JSON.stringify({ type: "message", source: { type: "group", groupId: GROUP, userId: USER } }), userId: USER, groupId: GROUP },
  { json: JSON.stringify({ type: "join", source: { type: "room", roomId: ROOM } }), userId: null, groupId: ROOM },
  { json: JSON.stringify({ type: "follow", source: { type: "user", userId: 42 } }), userId: null, groupId: null },
  { json: JSON.stringify({ type: "follow", source: { type: "user", userId: "" } }), userId: null, groupId: null },
  { json: JSON.stringify({ type: "follow" }), userId: null, groupId: null },
  { json: "[1, 2]", userId: null, groupId: null },
  { json: "not json", userId: null, groupId: null },
];

const expected = OLD_EVENTS.map((e, i) => ({ webhookEventId: `01OLD${i}`, sourceUserId: e.userId, sourceGroupId: e.groupId }));

describe("events stored before their source had columns of its own", () => {
  test.skipIf(isPostgresRun())("SQLite: are given their source from their JSON, and one that is not JSON none", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "sources-migration-"));
    scratch.push(dataDir);
    const file = path.join(dataDir, "console.db");
    migrateSqlite(file, migrationsBefore("sqlite", SOURCES_MIGRATION.sqlite, scratch));
    const sqlite = new Database(file);
    const insert = sqlite.prepare(
      `INSERT INTO "WebhookEvent" ("webhookEventId", "channelId", "type", "event", "status", "origin", "createdAt")
       VALUES (?, '1', 'follow', ?, 'delivered', 'api', '2026-11-23T00:00:00.000+00:00')`,
    );
    OLD_EVENTS.forEach((e, i) => insert.run(`01OLD${i}`, e.json));
    sqlite.close();
    migrateSqlite(file, migrationsBefore("sqlite", undefined, scratch));
    const migrated = new Database(file, { readonly: true });
    expect(migrated.prepare(`SELECT "webhookEventId", "sourceUserId", "sourceGroupId" FROM "WebhookEvent" ORDER BY "seq"`).all()).toEqual(expected);
    migrated.close();
  });

  test.runIf(isPostgresRun())(
    "PostgreSQL: are given their source from their JSON, and one that is not JSON none",
    async () => {
      const url = await createScratchDatabase(testPostgresUrl(), "console_sources_migration");
      try {
        await migratePostgres(url, migrationsBefore("postgres", SOURCES_MIGRATION.postgres, scratch));
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          for (const [i, e] of OLD_EVENTS.entries()) {
            await client.query(
              `INSERT INTO "WebhookEvent" ("webhookEventId", "channelId", "type", "event", "status", "origin", "createdAt")
               VALUES ($1, '1', 'follow', $2, 'delivered', 'api', now())`,
              [`01OLD${i}`, e.json],
            );
          }
        } finally {
          await client.end();
        }
        await migratePostgres(url, migrationsBefore("postgres", undefined, scratch));
        const after = new pg.Client({ connectionString: url });
        await after.connect();
        try {
          const { rows } = await after.query(`SELECT "webhookEventId", "sourceUserId", "sourceGroupId" FROM "WebhookEvent" ORDER BY "seq"`);
          expect(rows).toEqual(expected);
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
