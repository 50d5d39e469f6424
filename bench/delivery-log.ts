// bench/delivery-log: filtered Delivery log pages over a channel's attempt log (1,000,000 sends by
// default), read through the console's own code (listDeliveryLog, as the page reads it), next to a
// plain query of the same rows on the database's own driver, measured in the same run. SQLite and
// PostgreSQL each run in a process of their own, since a process reads its database once.
//   node --conditions=react-server --import tsx bench/delivery-log.ts [--attempts 1000000]
//     [--runs 40] [--db sqlite|postgres|both]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { ATTEMPT_COLUMN_LIST, ATTEMPT_COLUMNS, attemptValues } from "../lib/delivery/attempt-columns";
import type { AttemptRecord } from "../lib/delivery/store";
import { sqliteTime } from "../lib/sqlite-time";
import type { Failure } from "../lib/webhook/reasons";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-postgres";

const { values } = parseArgs({
  options: {
    attempts: { type: "string", default: "1000000" },
    runs: { type: "string", default: "40" },
    db: { type: "string", default: "both" },
  },
});
const ATTEMPTS = Number(values.attempts);
const RUNS = Number(values.runs);
if (!Number.isInteger(ATTEMPTS) || ATTEMPTS < 1000) throw new Error("--attempts must be a whole number of at least 1000.");
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error("--runs must be a whole number of at least 1.");

if (values.db === "both") {
  // Each database in a child process: lib/env.ts reads DATABASE_URL once per process.
  for (const kind of ["sqlite", "postgres"]) {
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1], "--attempts", String(ATTEMPTS), "--runs", String(RUNS), "--db", kind], {
      stdio: "inherit",
    });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
  process.exit(0);
}
if (values.db !== "sqlite" && values.db !== "postgres") throw new Error('--db must be "sqlite", "postgres" or "both".');
const kind = values.db;

const DAY = 86_400_000;
const SPAN = 30 * DAY;
const USERS = 2000;
const GROUPS = 200;
const PAGE = 50;

function line(label: string, value: string) {
  console.log(`  ${label.padEnd(58)} ${value}`);
}

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
}

const hex = (n: number, width = 32) => n.toString(16).padStart(width, "0");
const userId = (n: number) => `U${hex(n)}`;
const groupId = (n: number) => `C${hex(n)}`;

// A fixed seed: every run fills the same log.
let seed = 42;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}

const FAILURES: Failure[] = [
  { reason: "error_status_code", detail: "500" },
  { reason: "error_status_code", detail: "502" },
  { reason: "error_status_code", detail: "404" },
  { reason: "request_timeout", detail: "Request timeout" },
  { reason: "could_not_connect", detail: "Connection failed" },
  { reason: "could_not_connect", detail: "Connection timeout" },
];
const TYPES: [string, number][] = [
  ["message", 0.8],
  ["follow", 0.08],
  ["postback", 0.08],
  ["unfollow", 0.04],
];

function pickType(): string {
  let r = random();
  for (const [type, weight] of TYPES) {
    if ((r -= weight) < 0) return type;
  }
  return "message";
}

type FilledEvent = { webhookEventId: string; type: string; event: string; createdAt: number };

/**
 * The log, oldest first: 92% event sends (15% of them failing, 8% redeliveries of an earlier
 * failure), 4% Verify and 4% API tests, from 2,000 users of whom a tenth write in groups.
 */
function* fill(channelId: string, botUserId: string, now: number): Generator<{ attempt: AttemptRecord; event?: FilledEvent }> {
  const failed: FilledEvent[] = [];
  const start = now - SPAN;
  for (let i = 0; i < ATTEMPTS; i++) {
    const startedAt = start + Math.floor((i / ATTEMPTS) * SPAN);
    const url = "https://bot.example.com/callback";
    const base = { channelId, url, startedAt, durationMs: 20 + random() * 80, dnsMs: 1, connectMs: 2, tlsMs: 5, firstByteMs: 15, httpVersion: "1.1" };
    const r = random();
    if (r < 0.08) {
      const body = JSON.stringify({ destination: botUserId, events: [] });
      yield {
        attempt: { ...base, webhookEventId: null, kind: r < 0.04 ? "verify" : "test", isRedelivery: false, statusCode: 200, failure: null, requestExcerpt: body, responseExcerpt: "OK" },
      };
      continue;
    }
    const fails = random() < 0.15;
    const failure = fails ? FAILURES[Math.floor(random() * FAILURES.length)] : null;
    const statusCode = failure ? (failure.reason === "error_status_code" ? Number(failure.detail) : undefined) : 200;
    if (failed.length > 0 && random() < 0.08) {
      const event = failed.splice(Math.floor(random() * failed.length), 1)[0];
      const parsed = JSON.parse(event.event) as { source: { userId: string; groupId?: string } };
      yield {
        attempt: {
          ...base,
          webhookEventId: event.webhookEventId,
          kind: "event",
          isRedelivery: true,
          statusCode,
          failure,
          requestExcerpt: "",
          responseExcerpt: failure ? "error" : "OK",
          eventType: event.type,
          sourceUserId: parsed.source.userId,
          ...(parsed.source.groupId ? { sourceGroupId: parsed.source.groupId } : {}),
        },
      };
      continue;
    }
    const type = pickType();
    const user = Math.floor(random() * USERS);
    const group = user % 10 === 0 ? groupId(user % GROUPS) : undefined;
    const webhookEventId = `01BENCH${hex(i, 19)}`.toUpperCase();
    const source = group ? { type: "group", groupId: group, userId: userId(user) } : { type: "user", userId: userId(user) };
    const event = JSON.stringify({
      type,
      ...(type === "message" ? { message: { type: "text", id: String(i), text: `message ${i % 5000}` } } : {}),
      webhookEventId,
      deliveryContext: { isRedelivery: false },
      timestamp: startedAt,
      source,
      mode: "active",
      ...(type !== "unfollow" ? { replyToken: hex(i) } : {}),
    });
    const filled = { webhookEventId, type, event, createdAt: startedAt };
    if (failure && failed.length < 10_000) failed.push(filled);
    yield {
      attempt: {
        ...base,
        webhookEventId,
        kind: "event",
        isRedelivery: false,
        statusCode,
        failure,
        requestExcerpt: "",
        responseExcerpt: failure ? "error" : "OK",
        eventType: type,
        sourceUserId: userId(user),
        ...(group ? { sourceGroupId: group } : {}),
      },
      event: filled,
    };
  }
}

const EVENT_COLUMNS = `"webhookEventId", "channelId", "type", "event", "status", "origin", "attempts", "createdAt", "finishedAt"`;

async function fillSqlite(file: string, channelId: string, botUserId: string, now: number): Promise<void> {
  const sqlite = new Database(file);
  const values = attemptValues({ boolean: (value) => (value ? 1 : 0), time: sqliteTime });
  const insertAttempt = sqlite.prepare(`INSERT INTO "DeliveryAttempt" (${ATTEMPT_COLUMN_LIST}) VALUES (${ATTEMPT_COLUMNS.map(() => "?").join(", ")})`);
  const insertEvent = sqlite.prepare(`INSERT INTO "WebhookEvent" (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, 'delivered', 'load', 1, ?, ?)`);
  const rows = fill(channelId, botUserId, now);
  const batch = sqlite.transaction((n: number) => {
    for (let i = 0; i < n; i++) {
      const next = rows.next();
      if (next.done) return false;
      const { attempt, event } = next.value;
      if (event) insertEvent.run(event.webhookEventId, channelId, event.type, event.event, sqliteTime(event.createdAt), sqliteTime(event.createdAt));
      insertAttempt.run(...values(attempt));
    }
    return true;
  });
  while (batch(10_000)) {
    // Each batch is one transaction.
  }
  sqlite.exec("ANALYZE");
  sqlite.close();
}

async function fillPostgres(url: string, channelId: string, botUserId: string, now: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const values = attemptValues({ boolean: (value) => value, time: (ms) => new Date(ms) });
    const types = { text: "text", boolean: "boolean", time: "timestamptz", real: "double precision", integer: "integer" } as const;
    const insertAttempts = `INSERT INTO "DeliveryAttempt" (${ATTEMPT_COLUMN_LIST})
      SELECT * FROM unnest(${ATTEMPT_COLUMNS.map((c, i) => `$${i + 1}::${types[c.kind]}[]`).join(", ")})`;
    const insertEvents = `INSERT INTO "WebhookEvent" (${EVENT_COLUMNS})
      SELECT id, $2, type, event, 'delivered', 'load', 1, at, at FROM unnest($1::text[], $3::text[], $4::text[], $5::timestamptz[]) AS e(id, type, event, at)`;
    const rows = fill(channelId, botUserId, now);
    for (;;) {
      const columns: unknown[][] = ATTEMPT_COLUMNS.map(() => []);
      const events: [string[], string[], string[], Date[]] = [[], [], [], []];
      let n = 0;
      for (let next = rows.next(); !next.done; next = n < 10_000 ? rows.next() : { done: true, value: undefined }) {
        const { attempt, event } = next.value;
        values(attempt).forEach((value, i) => columns[i].push(value));
        if (event) {
          events[0].push(event.webhookEventId);
          events[1].push(event.type);
          events[2].push(event.event);
          events[3].push(new Date(event.createdAt));
        }
        n++;
      }
      if (n === 0) break;
      await client.query(insertEvents, [events[0], channelId, events[1], events[2], events[3]]);
      await client.query(insertAttempts, columns);
      if (n < 10_000) break;
    }
    await client.query("ANALYZE");
  } finally {
    await client.end();
  }
}

/** A filter as the page's URL gives it, and the same rows as plain SQL (`?` placeholders). */
type Case = { label: string; search: Record<string, string>; where: [string, unknown][] };

function cases(channelId: string, now: number, sample: { userId: string; groupId: string; webhookEventId: string; text: string }): Case[] {
  const hourEnd = now - DAY;
  const hourStart = hourEnd - 3_600_000;
  const t = (ms: number) => (kind === "sqlite" ? sqliteTime(ms) : new Date(ms));
  const utc9 = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(0, 19);
  const channel: [string, unknown] = [`"channelId" = ?`, channelId];
  const list: Case[] = [
    {
      label: "a Webhook errors row: reason, detail and an hour",
      search: { reason: "error_status_code", detail: "500", kind: "event", from: utc9(hourStart), to: utc9(hourEnd) },
      where: [channel, [`"reason" = ?`, "error_status_code"], [`"detail" = ?`, "500"], [`"kind" = ?`, "event"], [`"startedAt" >= ?`, t(hourStart)], [`"startedAt" < ?`, t(hourEnd)]],
    },
    { label: "one user", search: { source: sample.userId }, where: [channel, [`"sourceUserId" = ?`, sample.userId]] },
    { label: "one group, failures", search: { source: sample.groupId, outcome: "failure" }, where: [channel, [`"sourceGroupId" = ?`, sample.groupId], [`"success" = ?`, kind === "sqlite" ? 0 : false]] },
    { label: "unfollow events that failed", search: { type: "unfollow", outcome: "failure" }, where: [channel, [`"eventType" = ?`, "unfollow"], [`"success" = ?`, kind === "sqlite" ? 0 : false]] },
    { label: "Verify requests", search: { kind: "verify" }, where: [channel, [`"kind" = ?`, "verify"]] },
    { label: "redeliveries that timed out", search: { send: "redelivery", reason: "request_timeout" }, where: [channel, [`"reason" = ?`, "request_timeout"], [`"isRedelivery" = ?`, kind === "sqlite" ? 1 : true]] },
    { label: "one event", search: { webhookEventId: sample.webhookEventId }, where: [channel, [`"webhookEventId" = ?`, sample.webhookEventId]] },
    { label: "no filter", search: {}, where: [channel] },
    // No plain query reads a body's path: this one is timed against the rows it reads from.
    { label: `payload text (${sample.text}), against no filter`, search: { payload: `events.0.message.text:${sample.text}` }, where: [channel] },
  ];
  return list;
}

function plainSql(where: [string, unknown][]): { text: string; values: unknown[] } {
  const columns = `"id", "kind", "webhookEventId", "isRedelivery", "url", "startedAt", "durationMs", "dnsMs", "connectMs", "tlsMs", "firstByteMs", "httpVersion", "success", "statusCode", "reason", "detail", "requestExcerpt", "responseExcerpt"`;
  let text = `SELECT ${columns} FROM "DeliveryAttempt" WHERE ${where.map(([sql]) => sql).join(" AND ")} ORDER BY "id" DESC LIMIT ${PAGE + 1}`;
  if (kind === "postgres") {
    let n = 0;
    text = text.replace(/\?/g, () => `$${++n}`);
  }
  return { text, values: where.map(([, value]) => value) };
}

async function main() {
  const now = Date.now();
  let scratch: ScratchDatabase | null = null;
  let dataDir: string | null = null;
  if (kind === "postgres") {
    scratch = await createScratchDatabase("bench_delivery_log");
    process.env.DATABASE_URL = scratch.url;
  } else {
    dataDir = mkdtempSync(path.join(tmpdir(), "bench-delivery-log-"));
    process.env.DATA_DIR = dataDir;
    process.env.DATABASE_URL = `file:${path.join(dataDir, "console.db")}`;
  }
  process.env.DISPATCHER = "off";
  process.env.ADMIN_PASSWORD = "bench-password";
  try {
    const { migratePostgres, migrateSqlite } = await import("../lib/migrate");
    const { env } = await import("../lib/env");
    const { db } = await import("../lib/db");
    const { createUser } = await import("../lib/auth/users");
    const { createProvider } = await import("../lib/console/providers");
    const { createChannel, getChannelAccess } = await import("../lib/console/channels");
    const { listDeliveryLog } = await import("../lib/console/attempts");
    const { parseDeliveryLogSearch } = await import("../lib/console/delivery-log-search");
    if (kind === "postgres") await migratePostgres(env().databaseUrl);
    else migrateSqlite(env().sqlitePath);

    const { user } = await createUser("bench@example.com", "bench-password");
    const provider = await createProvider(user.id, "Bench");
    const { id: channelId } = await createChannel(user.id, provider.id, { name: "Bench bot", description: "", email: "" });
    const { botUserId } = await db().channel.findUniqueOrThrow({ where: { id: channelId }, select: { botUserId: true } });

    console.log(`bench:delivery-log on ${kind}: ${ATTEMPTS.toLocaleString("en-US")} attempts, ${RUNS} runs per case, pages of ${PAGE}`);
    const t0 = performance.now();
    if (kind === "postgres") await fillPostgres(env().databaseUrl, channelId, botUserId, now);
    else await fillSqlite(env().sqlitePath, channelId, botUserId, now);
    line("fill", `${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const recent = await db().deliveryAttempt.findFirstOrThrow({
      where: { channelId, kind: "event", eventType: "message", sourceGroupId: { not: null } },
      orderBy: { id: "desc" },
      select: { sourceUserId: true, sourceGroupId: true, webhookEventId: true },
    });
    const event = await db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId: recent.webhookEventId! }, select: { event: true } });
    const sample = {
      userId: recent.sourceUserId!,
      groupId: recent.sourceGroupId!,
      webhookEventId: recent.webhookEventId!,
      text: (JSON.parse(event.event) as { message: { text: string } }).message.text,
    };

    const access = await getChannelAccess({ id: user.id, email: user.email, name: user.name }, channelId);
    const sqlite = kind === "sqlite" ? new Database(env().sqlitePath, { readonly: true }) : null;
    const pool = kind === "postgres" ? new pg.Pool({ connectionString: env().databaseUrl, max: 2 }) : null;
    const plain = async (where: [string, unknown][]) => {
      const { text, values } = plainSql(where);
      if (sqlite) return sqlite.prepare(text).all(...values).length;
      return (await pool!.query(text, values)).rowCount ?? 0;
    };

    console.log(`  ${"case".padEnd(58)} ${"rows".padStart(5)}  ${"page p95".padStart(10)}  ${"plain p95".padStart(10)}`);
    for (const c of cases(channelId, now, sample)) {
      const parsed = parseDeliveryLogSearch(c.search);
      if (!parsed.ok) throw new Error(`${c.label}: ${parsed.problems.join(" ")}`);
      const page: number[] = [];
      const baseline: number[] = [];
      let rows = 0;
      // One warm-up each, then alternate so that neither side gets the warmer cache.
      await listDeliveryLog(access, parsed.query, PAGE);
      await plain(c.where);
      for (let run = 0; run < RUNS; run++) {
        let start = performance.now();
        rows = (await listDeliveryLog(access, parsed.query, PAGE)).attempts.length;
        page.push(performance.now() - start);
        start = performance.now();
        await plain(c.where);
        baseline.push(performance.now() - start);
      }
      console.log(`  ${c.label.padEnd(58)} ${String(rows).padStart(5)}  ${`${p95(page).toFixed(1)} ms`.padStart(10)}  ${`${p95(baseline).toFixed(1)} ms`.padStart(10)}`);
    }
    sqlite?.close();
    await pool?.end();
    await db().$disconnect();
  } finally {
    await scratch?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
