import "server-only";
import { statSync } from "node:fs";
import type { SessionUser } from "../auth/users";
import { db } from "../db";
import { env } from "../env";
import { NotFoundError } from "../errors";
import { lastPruneRun, type PruneRun } from "../retention/pruner";
import { retentionSettings, type RetentionSettings } from "../retention/settings";
import { getDeliveryState, getEmailQueue, HEARTBEAT_FRESH_MS, type DeliveryState, type EmailQueue } from "./delivery-state";

/** The tables the System page counts: those that grow with use first. */
const COUNTED_TABLES = [
  "WebhookEvent",
  "DeliveryAttempt",
  "ErrorStat",
  "ErrorStatHour",
  "NotificationGroup",
  "EmailMessage",
  "IngestRetryKey",
  "BotMessage",
  "MessageRetryKey",
  "Channel",
  "User",
] as const;

/** PostgreSQL's own estimate stands in for counting a table this large. */
const ESTIMATE_FROM_ROWS = 100_000;

export type TableRows = { table: string; rows: number; isEstimate: boolean };

/** What the System page shows. */
export type SystemReport = {
  /** When the report was read, in epoch milliseconds. */
  at: number;
  database: { kind: "sqlite" | "postgres"; sizeBytes: number | null };
  tables: TableRows[];
  retention: RetentionSettings;
  dispatchers: { id: string; seenAt: Date; isAlive: boolean }[];
  delivery: DeliveryState;
  emails: EmailQueue;
  /** This app process's last pruning run; undefined when it does not prune (DISPATCHER=off) or has not yet. */
  lastPrune: PruneRun | undefined;
};

/** Whether the user may read the System page: an Admin of any channel. */
export async function canSeeSystem(user: SessionUser): Promise<boolean> {
  return (await db().channelMember.count({ where: { userId: user.id, role: "ADMIN" } })) > 0;
}

async function databaseSize(): Promise<number | null> {
  const config = env();
  if (config.databaseKind === "postgres") {
    const [row] = await db().$queryRaw<{ size: unknown }[]>`SELECT pg_database_size(current_database()) AS "size"`;
    return Number(row!.size);
  }
  // The WAL holds what is not yet copied back into the file: both are on the disk.
  const size = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  return size(config.sqlitePath) + size(`${config.sqlitePath}-wal`);
}

async function countRows(): Promise<TableRows[]> {
  const estimates = new Map<string, number>();
  if (env().databaseKind === "postgres") {
    const rows = await db().$queryRaw<{ table: string; rows: unknown }[]>`
      SELECT "relname"::text AS "table", "reltuples"::float8 AS "rows" FROM pg_class
      WHERE "relkind" = 'r' AND "relnamespace" = current_schema()::regnamespace`;
    for (const row of rows) estimates.set(row.table, Number(row.rows));
  }
  return Promise.all(
    COUNTED_TABLES.map(async (table): Promise<TableRows> => {
      const estimate = estimates.get(table) ?? -1;
      if (estimate >= ESTIMATE_FROM_ROWS) return { table, rows: Math.round(estimate), isEstimate: true };
      // The names are this file's own list, never input.
      const [row] = await db().$queryRawUnsafe<{ rows: unknown }[]>(`SELECT count(*) AS "rows" FROM "${table}"`);
      return { table, rows: Number(row!.rows), isEstimate: false };
    }),
  );
}

/** Everything the System page shows, for an Admin of any channel; anyone else gets a NotFoundError. */
export async function getSystemReport(user: SessionUser, now: number = Date.now()): Promise<SystemReport> {
  if (!(await canSeeSystem(user))) throw new NotFoundError({ key: "pageNotFound" });
  const [sizeBytes, tables, dispatchers, delivery, emails] = await Promise.all([
    databaseSize(),
    countRows(),
    db().dispatcher.findMany({ orderBy: { seenAt: "desc" }, select: { id: true, seenAt: true } }),
    getDeliveryState(now),
    getEmailQueue(),
  ]);
  return {
    at: now,
    database: { kind: env().databaseKind, sizeBytes },
    tables,
    retention: retentionSettings(),
    dispatchers: dispatchers.map((d) => ({ ...d, isAlive: d.seenAt.getTime() >= now - HEARTBEAT_FRESH_MS })),
    delivery,
    emails,
    lastPrune: lastPruneRun(),
  };
}
