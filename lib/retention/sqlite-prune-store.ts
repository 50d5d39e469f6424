import Database from "better-sqlite3";
import { SqlStatus } from "../delivery/lifecycle";
import { MAX_SEND_ATTEMPTS } from "../notify/outbox-status";
import { sqliteTime } from "../sqlite-time";
import { RETRY_KEY_TABLES, type PruneStep, type PruneStore } from "./prune-store";

const HOUR_MS = 60 * 60 * 1000;
const FINISHED = `(${SqlStatus.delivered}, ${SqlStatus.failed}, ${SqlStatus.skipped})`;

/**
 * Pruning on the SQLite file, on a connection of its own. Every batch is one IMMEDIATE
 * transaction of a few hundred rows, a few milliseconds of the write lock; the dispatcher's
 * writes take their turns between batches.
 */
export class SqlitePruneStore implements PruneStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(file: string) {
    this.db = new Database(file, { timeout: 10_000 });
    this.db.pragma("journal_mode = WAL");
    const scan = (table: string, key: string, time: string) =>
      this.db.prepare(`SELECT "${key}" AS "key", "${time}" AS "time" FROM "${table}" WHERE "${key}" > ? ORDER BY "${key}" LIMIT ?`);
    this.statements = {
      scanEvents: scan("WebhookEvent", "seq", "createdAt"),
      deleteEvents: this.db
        .prepare(
          `DELETE FROM "WebhookEvent" WHERE "seq" > ? AND "seq" <= ? AND "status" IN ${FINISHED} AND "finishedAt" < ?
           RETURNING "webhookEventId"`,
        )
        .pluck(),
      deleteAttempts: this.db.prepare(`DELETE FROM "DeliveryAttempt" WHERE "webhookEventId" = ?`),
      scanAttempts: scan("DeliveryAttempt", "id", "startedAt"),
      deleteChecks: this.db.prepare(
        `DELETE FROM "DeliveryAttempt" WHERE "id" > ? AND "id" <= ? AND "webhookEventId" IS NULL AND "startedAt" < ?`,
      ),
      scanEmails: scan("EmailMessage", "id", "createdAt"),
      deleteEmails: this.db.prepare(
        `DELETE FROM "EmailMessage" WHERE "id" > ? AND "id" <= ? AND "createdAt" < ?
           AND ("sentAt" IS NOT NULL OR "attempts" >= ${MAX_SEND_ATTEMPTS})`,
      ),
      deleteErrorRows: this.db.prepare(
        `DELETE FROM "ErrorStat" WHERE "rowid" IN (
           SELECT "rowid" FROM "ErrorStat" WHERE "channelId" = ? AND "windowStart" < ? LIMIT ?)`,
      ),
      deleteErrorHours: this.db.prepare(
        `DELETE FROM "ErrorStatHour" WHERE "rowid" IN (
           SELECT "rowid" FROM "ErrorStatHour" WHERE "channelId" = ? AND "hourStart" < ? LIMIT ?)`,
      ),
      deleteGroups: this.db.prepare(
        `DELETE FROM "NotificationGroup" WHERE "id" IN (
           SELECT "id" FROM "NotificationGroup" WHERE "emailedAt" < ? LIMIT ?)`,
      ),
      deleteRetryKeys: RETRY_KEY_TABLES.map((table) =>
        this.db.prepare(`DELETE FROM "${table}" WHERE "rowid" IN (SELECT "rowid" FROM "${table}" WHERE "createdAt" < ? LIMIT ?)`),
      ),
      deleteBotMessages: this.db.prepare(
        `DELETE FROM "BotMessage" WHERE "rowid" IN (SELECT "rowid" FROM "BotMessage" WHERE "createdAt" < ? LIMIT ?)`,
      ),
      deleteBotSendErrors: this.db.prepare(
        `DELETE FROM "BotSendError" WHERE "rowid" IN (SELECT "rowid" FROM "BotSendError" WHERE "createdAt" < ? LIMIT ?)`,
      ),
      deleteReplyTokenUses: this.db.prepare(
        `DELETE FROM "ReplyTokenUse" WHERE "rowid" IN (SELECT "rowid" FROM "ReplyTokenUse" WHERE "usedAt" < ? LIMIT ?)`,
      ),
      channels: this.db.prepare(`SELECT "id" FROM "Channel" ORDER BY "id"`).pluck(),
    };
  }

  /** Reads the next `limit` keys after `after` and deletes what `remove` picks among them. */
  private step(
    scan: Database.Statement,
    after: number,
    cutoff: number,
    limit: number,
    remove: (last: number, cutoffText: string) => number,
  ): PruneStep {
    const rows = scan.all(after, limit) as { key: number; time: string }[];
    const last = rows.at(-1);
    if (!last) return { deleted: 0, next: null };
    const cutoffText = sqliteTime(cutoff);
    const deleted = this.db.transaction(() => remove(last.key, cutoffText)).immediate();
    // Rows are written in key order, so past the first one newer than the cutoff none is older.
    const isDone = rows.length < limit || last.time >= cutoffText;
    return { deleted, next: isDone ? null : last.key };
  }

  async pruneEvents(after: number, cutoff: number, limit: number): Promise<PruneStep & { attempts: number }> {
    const { scanEvents, deleteEvents, deleteAttempts } = this.statements;
    let attempts = 0;
    const step = this.step(scanEvents, after, cutoff, limit, (last, cutoffText) => {
      const ids = deleteEvents.all(after, last, cutoffText) as string[];
      for (const id of ids) attempts += deleteAttempts.run(id).changes;
      return ids.length;
    });
    return { ...step, attempts };
  }

  async pruneChecks(after: number, cutoff: number, limit: number): Promise<PruneStep> {
    const { scanAttempts, deleteChecks } = this.statements;
    return this.step(scanAttempts, after, cutoff, limit, (last, cutoffText) => deleteChecks.run(after, last, cutoffText).changes);
  }

  async pruneEmails(after: number, cutoff: number, limit: number): Promise<PruneStep> {
    const { scanEmails, deleteEmails } = this.statements;
    return this.step(scanEmails, after, cutoff, limit, (last, cutoffText) => deleteEmails.run(after, last, cutoffText).changes);
  }

  async pruneErrorStatistics(channelId: string, cutoff: number, limit: number): Promise<number> {
    const { deleteErrorRows, deleteErrorHours } = this.statements;
    return this.db
      .transaction(() => {
        const rows = deleteErrorRows.run(channelId, sqliteTime(cutoff), limit).changes;
        // An hour's sum goes once the whole hour is before the cutoff.
        return rows + deleteErrorHours.run(channelId, sqliteTime(cutoff - HOUR_MS), limit).changes;
      })
      .immediate();
  }

  async pruneNotificationGroups(cutoff: number, limit: number): Promise<number> {
    return this.statements.deleteGroups.run(sqliteTime(cutoff), limit).changes;
  }

  async pruneChats(messagesCutoff: number, tokensCutoff: number, limit: number): Promise<number> {
    return (
      this.statements.deleteBotMessages.run(sqliteTime(messagesCutoff), limit).changes +
      this.statements.deleteBotSendErrors.run(sqliteTime(messagesCutoff), limit).changes +
      this.statements.deleteReplyTokenUses.run(sqliteTime(tokensCutoff), limit).changes
    );
  }

  async pruneRetryKeys(cutoff: number, limit: number): Promise<number> {
    return this.statements.deleteRetryKeys.reduce((sum, statement) => sum + statement.run(sqliteTime(cutoff), limit).changes, 0);
  }

  async channelIds(): Promise<string[]> {
    return this.statements.channels.all() as string[];
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
