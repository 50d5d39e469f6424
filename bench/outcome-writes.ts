// CPU time of writing outcome batches into SQLite, per outcome: the writer thread's work for each
// delivered event. A scratch file built by the real migrations, one channel, events in flight and
// their outcomes recorded through the store in batches, as the writer thread does. The baseline,
// run alongside: the same writes into an attempt log without its secondary indexes, which shows
// what those indexes cost each send.
//
//   npm run bench:outcome-writes -- [--events 30000] [--batch 128] [--ingest 128] [--fail-every 50]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { migrateSqlite } from "../lib/migrate";
import { SqliteDeliveryStore } from "../lib/delivery/sqlite-store";
import { SqlStatus } from "../lib/delivery/lifecycle";
import type { EventOutcome } from "../lib/delivery/store";
import { sqliteTime } from "../lib/sqlite-time";

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(argv[at + 1]);
};
const EVENTS = option("events", 30_000);
const BATCH = option("batch", 128);
// One send in this many fails with a 500, so that statistics and notices are written too.
const FAIL_EVERY = option("fail-every", 50);
// Events another connection accepts between two batches, as ingest does while the writer works:
// each such commit makes the writer's connection drop the pages it had cached.
const INGEST = option("ingest", 128);

const CHANNEL = "1000000001";

function seed(file: string): void {
  const sqlite = new Database(file);
  const now = sqliteTime(Date.now());
  sqlite.prepare(`INSERT INTO "User" ("id", "email", "name", "passwordHash") VALUES ('u', 'u@example.com', 'u', 'x')`).run();
  sqlite.prepare(`INSERT INTO "Provider" ("id", "name", "createdById") VALUES ('p', 'p', 'u')`).run();
  sqlite
    .prepare(
      `INSERT INTO "Channel" ("id", "providerId", "name", "channelSecret", "botUserId", "webhookUrl", "useWebhook",
         "webhookRedelivery", "errorStatisticsAggregation", "errorNotification", "updatedAt")
       VALUES (?, 'p', 'bench', 'secret', 'Ubot', 'http://127.0.0.1:9/callback', 1, 1, 1, 1, ?)`,
    )
    .run(CHANNEL, now);
  const insert = sqlite.prepare(
    `INSERT INTO "WebhookEvent" ("webhookEventId", "channelId", "type", "event", "status", "origin", "createdAt")
     VALUES (?, ?, 'message', ?, ${SqlStatus.sending}, 'api', ?)`,
  );
  sqlite.transaction(() => {
    for (let i = 0; i < EVENTS; i++) insert.run(`01BENCH${String(i).padStart(19, "0")}`, CHANNEL, `{"type":"message","n":${i}}`, now);
  })();
  sqlite.close();
}

function outcomeOf(seq: number, i: number, now: number): EventOutcome {
  const failed = i % FAIL_EVERY === FAIL_EVERY - 1;
  return {
    seq,
    attemptsBefore: 0,
    attempt: {
      channelId: CHANNEL,
      webhookEventId: `01BENCH${String(i).padStart(19, "0")}`,
      kind: "event",
      isRedelivery: false,
      url: "http://127.0.0.1:9/callback",
      startedAt: now - 3,
      durationMs: 2.75 + (i % 7) / 8,
      connectMs: 0.25,
      firstByteMs: 1.5,
      httpVersion: "1.1",
      statusCode: failed ? 500 : 200,
      failure: failed ? { reason: "error_status_code", detail: "500 Internal Server Error" } : null,
      requestExcerpt: `{"destination":"Ubot","events":[{"type":"message","n":${i}}]}`,
      responseExcerpt: failed ? "oops" : "",
      requestHeaders: `[["content-type","application/json; charset=utf-8"],["x-line-signature","abcdefabcdefabcdefabcdef"]]`,
      responseHeaders: `[["content-length","0"],["date","Wed, 02 Dec 2026 07:00:00 GMT"]]`,
      responseBytes: failed ? 4 : 0,
      remoteAddress: "127.0.0.1:9",
      eventType: "message",
      sourceUserId: `U${"a".repeat(32)}`,
    },
  };
}

/** Drops the attempt log's secondary indexes (those SQLite did not make itself). */
function dropAttemptIndexes(file: string): void {
  const sqlite = new Database(file);
  const indexes = sqlite
    .prepare(`SELECT "name" FROM "sqlite_master" WHERE "type" = 'index' AND "tbl_name" = 'DeliveryAttempt' AND "sql" IS NOT NULL`)
    .pluck()
    .all() as string[];
  for (const name of indexes) sqlite.exec(`DROP INDEX "${name}"`);
  sqlite.close();
}

type Figures = { cpuUs: number; wallUs: number };

/** Writes every event's outcome in batches on a new scratch file; the CPU and wall time per outcome. */
async function writeOutcomes(withIndexes: boolean): Promise<Figures> {
  const dir = mkdtempSync(path.join(tmpdir(), "outcome-writes-"));
  const file = path.join(dir, "bench.db");
  try {
    migrateSqlite(file);
    seed(file);
    if (!withIndexes) dropAttemptIndexes(file);
    const store = new SqliteDeliveryStore(file, [60_000, 120_000], { checkpoints: "elsewhere" });
    const ingest = new Database(file, { timeout: 10_000 });
    const seqs = ingest.prepare(`SELECT "seq" FROM "WebhookEvent" ORDER BY "seq"`).pluck().all() as number[];
    const accept = ingest.prepare(
      `INSERT INTO "WebhookEvent" ("webhookEventId", "channelId", "type", "event", "status", "origin", "createdAt")
       VALUES (?, ?, 'message', ?, ${SqlStatus.pending}, 'api', ?)`,
    );
    let accepted = 0;
    let cpu = 0;
    let wall = 0;
    for (let start = 0; start < seqs.length; start += BATCH) {
      const now = Date.now();
      ingest.transaction(() => {
        for (let k = 0; k < INGEST; k++, accepted++) accept.run(`01INGEST${String(accepted).padStart(18, "0")}`, CHANNEL, "{}", sqliteTime(now));
      })();
      const batch = seqs.slice(start, start + BATCH).map((seq, k) => outcomeOf(seq, start + k, now));
      const cpuBefore = process.cpuUsage();
      const wallBefore = performance.now();
      await store.recordOutcomes(batch, now);
      wall += performance.now() - wallBefore;
      const used = process.cpuUsage(cpuBefore);
      cpu += (used.user + used.system) / 1000;
    }
    await store.close();
    ingest.close();
    return { cpuUs: (cpu * 1000) / seqs.length, wallUs: (wall * 1000) / seqs.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`bench/outcome-writes · ${EVENTS} outcomes in batches of ${BATCH} · ${INGEST} events accepted between two · one in ${FAIL_EVERY} failed`);
  // Alternated, so that a change in the machine's load falls on both.
  const runs: Record<"with" | "without", Figures[]> = { with: [], without: [] };
  for (let round = 0; round < 3; round++) {
    runs.with.push(await writeOutcomes(true));
    runs.without.push(await writeOutcomes(false));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (const [label, figures] of [
    ["attempt log as migrated", runs.with],
    ["without its secondary indexes (baseline)", runs.without],
  ] as const) {
    const cpu = median(figures.map((f) => f.cpuUs)).toFixed(1);
    const wall = median(figures.map((f) => f.wallUs)).toFixed(1);
    console.log(`  ${label}: ${cpu} µs CPU, ${wall} µs wall per outcome (median of ${figures.length})`);
  }
}

void main();
