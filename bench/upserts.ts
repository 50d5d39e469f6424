// bench/upserts: the 60-second error rows under concurrent writers. Each writer is a process of its
// own with its own delivery store, recording batches of failed sends through recordOutcomes (the
// attempts, the events' status and the error rows, in one transaction, as a dispatcher does); all
// failures fall into the same few rows (one channel, --windows 60-second windows, three
// (reason, detail)), so the writers contend for them. One writer is the baseline, measured in the
// same run. Afterwards the rows must hold every failure once: sum(ErrorStat.count) = failures sent,
// and each ErrorStatHour row = the sum and the number of its 60-second rows.
//   npm run bench:upserts -- [--db postgres,sqlite] [--writers 1,4] [--failures 20000] [--batch 10,100] [--windows 1]
// PostgreSQL databases are made on BENCH_POSTGRES_URL (default: the local server) and dropped.
import Database from "better-sqlite3";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import pg from "pg";
import { HOUR_MS } from "../lib/statistics/utc9";
import { SqlStatus } from "../lib/delivery/lifecycle";
import { PgDeliveryStore } from "../lib/delivery/pg-store";
import { SqliteDeliveryStore } from "../lib/delivery/sqlite-store";
import { sqliteTime } from "../lib/sqlite-time";
import type { DeliveryStore, EventOutcome } from "../lib/delivery/store";
import { migratePostgres, migrateSqlite } from "../lib/migrate";
import { WINDOW_MS, windowStartOf } from "../lib/statistics/window";
import type { Failure } from "../lib/webhook/reasons";
import { createScratchDatabase } from "./scratch-postgres";

type Kind = "postgres" | "sqlite";

/** What one writer process is told to do. */
type WriterTask = {
  kind: Kind;
  /** The PostgreSQL URL or the SQLite file. */
  location: string;
  channelId: string;
  /** Its events are firstSeq … firstSeq + failures - 1. */
  firstSeq: number;
  failures: number;
  batch: number;
  windowStart: number;
  windows: number;
};

/** What it reports back. */
type WriterResult = {
  failures: number;
  batches: number;
  /** (60-second row, hour row) pairs upserted: one per (window, reason, detail) of each batch. */
  groups: number;
  /** Batches that failed (deadlock, busy) and were recorded again. */
  retried: number;
  lastError: string | null;
  latenciesMs: number[];
};

const CHANNEL_ID = "1000000001";
const FAILURES: Failure[] = [
  { reason: "could_not_connect", detail: "Connection failed" },
  { reason: "request_timeout", detail: "Request timeout" },
  { reason: "error_status_code", detail: "500" },
];

// ---------------------------------------------------------------------------------------------
// The writer process.

function buildBatches(task: WriterTask): EventOutcome[][] {
  const batches: EventOutcome[][] = [];
  for (let i = 0; i < task.failures; i += task.batch) {
    const batch: EventOutcome[] = [];
    for (let j = i; j < Math.min(task.failures, i + task.batch); j++) {
      const failure = FAILURES[Math.floor(Math.random() * FAILURES.length)];
      const window = task.windowStart + Math.floor(Math.random() * task.windows) * WINDOW_MS;
      const seq = task.firstSeq + j;
      batch.push({
        seq,
        attemptsBefore: 0,
        attempt: {
          channelId: task.channelId,
          webhookEventId: `bench-${seq}`,
          kind: "event",
          isRedelivery: false,
          url: "http://127.0.0.1:9/callback",
          // Sent and failed well within the window.
          startedAt: window + Math.floor(Math.random() * (WINDOW_MS - 5000)),
          durationMs: 3,
          statusCode: failure.reason === "error_status_code" ? 500 : undefined,
          failure,
          requestExcerpt: `{"destination":"U${"0".repeat(32)}","events":[{"type":"message","webhookEventId":"bench-${seq}"}]}`,
        },
      });
    }
    batches.push(batch);
  }
  return batches;
}

async function runWriter(task: WriterTask): Promise<void> {
  const store: DeliveryStore = task.kind === "postgres" ? new PgDeliveryStore(task.location) : new SqliteDeliveryStore(task.location);
  const batches = buildBatches(task);
  const result: WriterResult = { failures: 0, batches: 0, groups: 0, retried: 0, lastError: null, latenciesMs: [] };
  console.log("ready");
  await new Promise((resolve) => createInterface({ input: process.stdin }).once("line", resolve));
  for (const batch of batches) {
    const t0 = performance.now();
    for (let tries = 1; ; tries++) {
      try {
        await store.recordOutcomes(batch, Date.now());
        break;
      } catch (error) {
        // A dispatcher keeps the batch and writes it again; so does the bench, at once.
        if (tries === 20) throw error;
        result.retried += 1;
        result.lastError = error instanceof Error ? error.message : String(error);
      }
    }
    result.latenciesMs.push(performance.now() - t0);
    result.failures += batch.length;
    result.batches += 1;
    result.groups += new Set(batch.map((o) => `${windowStartOf(o.attempt.startedAt)} ${o.attempt.failure!.reason} ${o.attempt.failure!.detail}`)).size;
  }
  console.log(JSON.stringify(result));
  await store.close();
}

// ---------------------------------------------------------------------------------------------
// The databases: a fresh one per run, arranged and read with plain SQL.

type StatRow = { windowStart: number; reason: string; detail: string; count: number };
type HourRow = { hourStart: number; reason: string; detail: string; count: number; rows: number };
type Recorded = { stats: StatRow[]; hours: HourRow[]; attempts: number; failedOnce: number };

interface Target {
  /** The PostgreSQL URL or the SQLite file the writers open. */
  location: string;
  /** Makes the channel (aggregation on) and `events` claimed events; returns the first seq. */
  arrange(events: number): Promise<number>;
  read(): Promise<Recorded>;
  dispose(): Promise<void>;
}

async function postgresTarget(): Promise<Target> {
  const scratch = await createScratchDatabase("bench_upserts");
  await migratePostgres(scratch.url);
  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  return {
    location: scratch.url,
    async arrange(events) {
      await client.query(`INSERT INTO "User" ("id", "email", "name", "passwordHash") VALUES ('bench', 'bench@example.com', 'Bench', '-')`);
      await client.query(`INSERT INTO "Provider" ("id", "name", "createdById") VALUES ('bench', 'Bench', 'bench')`);
      await client.query(
        `INSERT INTO "Channel" ("id", "providerId", "name", "channelSecret", "botUserId", "webhookUrl", "useWebhook", "errorStatisticsAggregation", "updatedAt")
         VALUES ($1, 'bench', 'Bench upserts', $2, $3, 'http://127.0.0.1:9/callback', true, true, now())`,
        [CHANNEL_ID, "0".repeat(32), `U${"0".repeat(32)}`],
      );
      const { rows } = await client.query<{ first: number }>(
        `WITH made AS (
           INSERT INTO "WebhookEvent" ("webhookEventId", "channelId", "type", "event", "status", "origin", "createdAt", "lockedBy", "lockedUntil")
           SELECT 'bench-' || i, $1, 'message', '{}', ${SqlStatus.sending}, 'load', now(), 'bench', now() + interval '1 hour'
           FROM generate_series(1, $2) AS i
           RETURNING "seq")
         SELECT min("seq") AS "first" FROM made`,
        [CHANNEL_ID, events],
      );
      return rows[0].first;
    },
    async read() {
      const stats = await client.query(`SELECT "windowStart", "reason", "detail", "count" FROM "ErrorStat"`);
      const hours = await client.query(`SELECT "hourStart", "reason", "detail", "count", "rows" FROM "ErrorStatHour"`);
      const { rows } = await client.query(
        `SELECT (SELECT count(*) FROM "DeliveryAttempt") AS "attempts",
                (SELECT count(*) FROM "WebhookEvent" WHERE "status" = ${SqlStatus.failed} AND "attempts" = 1) AS "failedOnce"`,
      );
      return {
        stats: stats.rows.map((r) => ({ ...r, windowStart: r.windowStart.getTime() })),
        hours: hours.rows.map((r) => ({ ...r, hourStart: r.hourStart.getTime() })),
        attempts: Number(rows[0].attempts),
        failedOnce: Number(rows[0].failedOnce),
      };
    },
    async dispose() {
      await client.end();
      await scratch.drop();
    },
  };
}

async function sqliteTarget(): Promise<Target> {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-upserts-"));
  const file = path.join(dir, "console.db");
  migrateSqlite(file);
  const sqlite = new Database(file, { timeout: 10_000 });
  return {
    location: file,
    async arrange(events) {
      const now = sqliteTime(Date.now());
      sqlite.transaction(() => {
        sqlite.prepare(`INSERT INTO "User" ("id", "email", "name", "passwordHash") VALUES ('bench', 'bench@example.com', 'Bench', '-')`).run();
        sqlite.prepare(`INSERT INTO "Provider" ("id", "name", "createdById") VALUES ('bench', 'Bench', 'bench')`).run();
        sqlite
          .prepare(
            `INSERT INTO "Channel" ("id", "providerId", "name", "channelSecret", "botUserId", "webhookUrl", "useWebhook", "errorStatisticsAggregation", "updatedAt")
             VALUES (?, 'bench', 'Bench upserts', ?, ?, 'http://127.0.0.1:9/callback', 1, 1, ?)`,
          )
          .run(CHANNEL_ID, "0".repeat(32), `U${"0".repeat(32)}`, now);
        sqlite
          .prepare(
            `INSERT INTO "WebhookEvent" ("webhookEventId", "channelId", "type", "event", "status", "origin", "createdAt", "lockedBy", "lockedUntil")
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
             SELECT 'bench-' || i, ?, 'message', '{}', ${SqlStatus.sending}, 'load', ?, 'bench', ? FROM n`,
          )
          .run(events, CHANNEL_ID, now, sqliteTime(Date.now() + HOUR_MS));
      })();
      return sqlite.prepare(`SELECT min("seq") FROM "WebhookEvent"`).pluck().get() as number;
    },
    async read() {
      const stats = sqlite.prepare(`SELECT "windowStart", "reason", "detail", "count" FROM "ErrorStat"`).all() as (StatRow & { windowStart: string })[];
      const hours = sqlite.prepare(`SELECT "hourStart", "reason", "detail", "count", "rows" FROM "ErrorStatHour"`).all() as (HourRow & { hourStart: string })[];
      return {
        stats: stats.map((r) => ({ ...r, windowStart: Date.parse(r.windowStart) })),
        hours: hours.map((r) => ({ ...r, hourStart: Date.parse(r.hourStart) })),
        attempts: sqlite.prepare(`SELECT count(*) FROM "DeliveryAttempt"`).pluck().get() as number,
        failedOnce: sqlite.prepare(`SELECT count(*) FROM "WebhookEvent" WHERE "status" = ${SqlStatus.failed} AND "attempts" = 1`).pluck().get() as number,
      };
    },
    async dispose() {
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What is wrong with the recorded rows after `sent` failures; empty when nothing is. */
function checkRecorded(recorded: Recorded, sent: number): string[] {
  const problems: string[] = [];
  const total = recorded.stats.reduce((sum, r) => sum + r.count, 0);
  if (total !== sent) problems.push(`sum(ErrorStat.count) ${total} ≠ ${sent} sent`);
  if (recorded.attempts !== sent) problems.push(`${recorded.attempts} attempts ≠ ${sent}`);
  if (recorded.failedOnce !== sent) problems.push(`${recorded.failedOnce} events failed once ≠ ${sent}`);
  const hourTotal = recorded.hours.reduce((sum, r) => sum + r.count, 0);
  if (hourTotal !== sent) problems.push(`sum(ErrorStatHour.count) ${hourTotal} ≠ ${sent}`);
  for (const hour of recorded.hours) {
    const rows = recorded.stats.filter(
      (r) => Math.floor(r.windowStart / HOUR_MS) * HOUR_MS === hour.hourStart && r.reason === hour.reason && r.detail === hour.detail,
    );
    const count = rows.reduce((sum, r) => sum + r.count, 0);
    if (count !== hour.count || rows.length !== hour.rows) {
      problems.push(`hour ${hour.reason}/${hour.detail}: count ${hour.count} rows ${hour.rows}, its 60-second rows say ${count} and ${rows.length}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The run.

type Run = {
  kind: Kind;
  batch: number;
  writers: number;
  seconds: number;
  results: WriterResult[];
  problems: string[];
};

function startWriter(task: WriterTask): { ready: Promise<void>; done: Promise<WriterResult>; go: () => void } {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "upserts.ts")], {
    env: { ...process.env, BENCH_UPSERTS_WRITER: JSON.stringify(task) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  let markReady: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const done = new Promise<WriterResult>((resolve, reject) => {
    lines.on("line", (text) => {
      if (text === "ready") markReady();
      else if (text.startsWith("{")) resolve(JSON.parse(text) as WriterResult);
    });
    child.once("exit", (code) => reject(new Error(`a writer exited with ${code}`)));
  });
  return { ready, done, go: () => child.stdin!.end("go\n") };
}

async function runOnce(kind: Kind, batch: number, writers: number, failures: number, windows: number): Promise<Run> {
  const target = kind === "postgres" ? await postgresTarget() : await sqliteTarget();
  try {
    const firstSeq = await target.arrange(writers * failures);
    // A fixed stretch of one hour: every writer's failures land in the same rows.
    const windowStart = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 10 * WINDOW_MS;
    const processes = Array.from({ length: writers }, (_, w) =>
      startWriter({ kind, location: target.location, channelId: CHANNEL_ID, firstSeq: firstSeq + w * failures, failures, batch, windowStart, windows }),
    );
    await Promise.all(processes.map((p) => p.ready));
    const t0 = performance.now();
    processes.forEach((p) => p.go());
    const results = await Promise.all(processes.map((p) => p.done));
    const seconds = (performance.now() - t0) / 1000;
    const sent = results.reduce((sum, r) => sum + r.failures, 0);
    return { kind, batch, writers, seconds, results, problems: checkRecorded(await target.read(), sent) };
  } finally {
    await target.dispose();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function table(rows: string[][]) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) console.log(`  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("   ")}`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      db: { type: "string", default: "postgres,sqlite" },
      writers: { type: "string", default: "1,4" },
      failures: { type: "string", default: "20000" },
      batch: { type: "string", default: "10,100" },
      windows: { type: "string", default: "1" },
    },
  });
  const kinds = values.db.split(",") as Kind[];
  if (kinds.some((k) => k !== "postgres" && k !== "sqlite")) throw new Error(`--db takes postgres and/or sqlite, not "${values.db}"`);
  const writerCounts = values.writers.split(",").map(Number);
  const batches = values.batch.split(",").map(Number);
  const failures = Number(values.failures);
  const windows = Number(values.windows);
  console.log(
    `bench/upserts · ${failures} failures per writer into ${windows * FAILURES.length} rows ` +
      `(1 channel × ${windows} window${windows > 1 ? "s" : ""} × ${FAILURES.length} (reason, detail)) · ` +
      `${availableParallelism()} cores · load ${loadavg()[0].toFixed(1)} · Node ${process.version}`,
  );

  const runs: Run[] = [];
  for (const kind of kinds) {
    for (const batch of batches) {
      for (const writers of writerCounts) {
        const run = await runOnce(kind, batch, writers, failures, windows);
        runs.push(run);
        console.log(`  ${kind}, batches of ${batch}, ${writers} writer${writers > 1 ? "s" : ""}: ${run.seconds.toFixed(2)} s`);
      }
    }
  }

  console.log(
    "\nError rows under concurrent writers (recordOutcomes: attempts + events + 60-second and hour rows, one transaction a batch)",
  );
  const rows = [["db", "batch", "writers", "failures", "seconds", "failures/s", "batches/s", "row upserts/s", "vs 1 writer", "batch ms p50 / p99", "retried", "rows check"]];
  for (const run of runs) {
    const sent = run.results.reduce((sum, r) => sum + r.failures, 0);
    const batchCount = run.results.reduce((sum, r) => sum + r.batches, 0);
    const upserts = 2 * run.results.reduce((sum, r) => sum + r.groups, 0);
    const retried = run.results.reduce((sum, r) => sum + r.retried, 0);
    const latencies = run.results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
    const baseline = runs.find((r) => r.kind === run.kind && r.batch === run.batch && r.writers === 1);
    const rate = sent / run.seconds;
    const baseRate = baseline ? baseline.results.reduce((sum, r) => sum + r.failures, 0) / baseline.seconds : undefined;
    rows.push([
      run.kind,
      String(run.batch),
      String(run.writers),
      String(sent),
      run.seconds.toFixed(2),
      rate.toFixed(0),
      (batchCount / run.seconds).toFixed(0),
      (upserts / run.seconds).toFixed(0),
      baseRate ? `${(rate / baseRate).toFixed(2)}×` : "-",
      `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)}`,
      String(retried),
      run.problems.length === 0 ? "ok" : "WRONG",
    ]);
  }
  table(rows);
  console.log("  row upserts: one 60-second row and one hour row per (window, reason, detail) of each batch");
  console.log("  rows check: sum(ErrorStat.count) = failures sent = attempts = events failed once; each hour row = its 60-second rows");
  for (const run of runs) {
    const errors = [...new Set(run.results.map((r) => r.lastError).filter(Boolean))];
    for (const problem of run.problems) console.log(`  ${run.kind}, batch ${run.batch}, ${run.writers} writers: ${problem}`);
    for (const error of errors) console.log(`  ${run.kind}, batch ${run.batch}, ${run.writers} writers, retried after: ${error}`);
  }
  console.log(`  load at the end ${loadavg()[0].toFixed(1)}`);
}

if (process.env.BENCH_UPSERTS_WRITER) await runWriter(JSON.parse(process.env.BENCH_UPSERTS_WRITER) as WriterTask);
else await main();
