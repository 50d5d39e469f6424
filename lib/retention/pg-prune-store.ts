import pg from "pg";
import { SqlStatus } from "../delivery/lifecycle";
import { MAX_SEND_ATTEMPTS } from "../notify/outbox-status";
import { RETRY_KEY_TABLES, type PruneStep, type PruneStore } from "./prune-store";

const HOUR_MS = 60 * 60 * 1000;
const FINISHED = `(${SqlStatus.delivered}, ${SqlStatus.failed}, ${SqlStatus.skipped})`;

/**
 * Pruning on PostgreSQL: batched deletes of a few hundred rows, each one statement, so that it
 * locks only the rows it deletes and never for long. The conditions are on the DELETE itself, so
 * a row changed meanwhile (an Admin redelivering a failed event) is checked again and kept.
 */
export class PgPruneStore implements PruneStore {
  private readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 2 });
    // An idle connection the server drops must not end the process; the pool opens another.
    this.pool.on("error", () => {});
  }

  /** Reads the next `limit` keys after `after` and runs `remove` (given the last key) on them. */
  private async step(
    table: string,
    key: string,
    time: string,
    after: number,
    cutoff: number,
    limit: number,
    remove: (last: number) => Promise<number>,
  ): Promise<PruneStep> {
    const { rows } = await this.pool.query<{ key: number; time: Date }>(
      `SELECT "${key}" AS "key", "${time}" AS "time" FROM "${table}" WHERE "${key}" > $1 ORDER BY "${key}" LIMIT $2`,
      [after, limit],
    );
    const last = rows.at(-1);
    if (!last) return { deleted: 0, next: null };
    const deleted = await remove(last.key);
    const isDone = rows.length < limit || last.time.getTime() >= cutoff;
    return { deleted, next: isDone ? null : last.key };
  }

  async pruneEvents(after: number, cutoff: number, limit: number): Promise<PruneStep & { attempts: number }> {
    let attempts = 0;
    const step = await this.step("WebhookEvent", "seq", "createdAt", after, cutoff, limit, async (last) => {
      const { rows } = await this.pool.query<{ events: number; attempts: number }>(
        `WITH gone AS (
           DELETE FROM "WebhookEvent" WHERE "seq" > $1 AND "seq" <= $2 AND "status" IN ${FINISHED} AND "finishedAt" < $3
           RETURNING "webhookEventId"),
         sends AS (
           DELETE FROM "DeliveryAttempt" WHERE "webhookEventId" IN (SELECT "webhookEventId" FROM gone) RETURNING 1)
         SELECT (SELECT count(*) FROM gone)::integer AS "events", (SELECT count(*) FROM sends)::integer AS "attempts"`,
        [after, last, new Date(cutoff)],
      );
      attempts = rows[0]!.attempts;
      return rows[0]!.events;
    });
    return { ...step, attempts };
  }

  async pruneChecks(after: number, cutoff: number, limit: number): Promise<PruneStep> {
    return this.step("DeliveryAttempt", "id", "startedAt", after, cutoff, limit, async (last) => {
      const result = await this.pool.query(
        `DELETE FROM "DeliveryAttempt" WHERE "id" > $1 AND "id" <= $2 AND "webhookEventId" IS NULL AND "startedAt" < $3`,
        [after, last, new Date(cutoff)],
      );
      return result.rowCount ?? 0;
    });
  }

  async pruneEmails(after: number, cutoff: number, limit: number): Promise<PruneStep> {
    return this.step("EmailMessage", "id", "createdAt", after, cutoff, limit, async (last) => {
      const result = await this.pool.query(
        `DELETE FROM "EmailMessage" WHERE "id" > $1 AND "id" <= $2 AND "createdAt" < $3
           AND ("sentAt" IS NOT NULL OR "attempts" >= ${MAX_SEND_ATTEMPTS})`,
        [after, last, new Date(cutoff)],
      );
      return result.rowCount ?? 0;
    });
  }

  async pruneErrorStatistics(channelId: string, cutoff: number, limit: number): Promise<number> {
    const { rows } = await this.pool.query<{ deleted: number }>(
      `WITH minutes AS (
         DELETE FROM "ErrorStat" WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM "ErrorStat" WHERE "channelId" = $1 AND "windowStart" < $2 LIMIT $4)) RETURNING 1),
       hours AS (
         DELETE FROM "ErrorStatHour" WHERE ctid = ANY(ARRAY(
           SELECT ctid FROM "ErrorStatHour" WHERE "channelId" = $1 AND "hourStart" < $3 LIMIT $4)) RETURNING 1)
       SELECT ((SELECT count(*) FROM minutes) + (SELECT count(*) FROM hours))::integer AS "deleted"`,
      // An hour's sum goes once the whole hour is before the cutoff.
      [channelId, new Date(cutoff), new Date(cutoff - HOUR_MS), limit],
    );
    return rows[0]!.deleted;
  }

  async pruneNotificationGroups(cutoff: number, limit: number): Promise<number> {
    const result = await this.pool.query(
      `DELETE FROM "NotificationGroup" WHERE "id" IN (SELECT "id" FROM "NotificationGroup" WHERE "emailedAt" < $1 LIMIT $2)`,
      [new Date(cutoff), limit],
    );
    return result.rowCount ?? 0;
  }

  async pruneRetryKeys(cutoff: number, limit: number): Promise<number> {
    let deleted = 0;
    for (const table of RETRY_KEY_TABLES) {
      const result = await this.pool.query(
        `DELETE FROM "${table}" WHERE ctid = ANY(ARRAY(SELECT ctid FROM "${table}" WHERE "createdAt" < $1 LIMIT $2))`,
        [new Date(cutoff), limit],
      );
      deleted += result.rowCount ?? 0;
    }
    return deleted;
  }

  async pruneChats(messagesCutoff: number, tokensCutoff: number, limit: number): Promise<number> {
    const messages = await this.pool.query(
      `DELETE FROM "BotMessage" WHERE ctid = ANY(ARRAY(SELECT ctid FROM "BotMessage" WHERE "createdAt" < $1 LIMIT $2))`,
      [new Date(messagesCutoff), limit],
    );
    const refusals = await this.pool.query(
      `DELETE FROM "BotSendError" WHERE ctid = ANY(ARRAY(SELECT ctid FROM "BotSendError" WHERE "createdAt" < $1 LIMIT $2))`,
      [new Date(messagesCutoff), limit],
    );
    const tokens = await this.pool.query(
      `DELETE FROM "ReplyTokenUse" WHERE ctid = ANY(ARRAY(SELECT ctid FROM "ReplyTokenUse" WHERE "usedAt" < $1 LIMIT $2))`,
      [new Date(tokensCutoff), limit],
    );
    return (messages.rowCount ?? 0) + (refusals.rowCount ?? 0) + (tokens.rowCount ?? 0);
  }

  async channelIds(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(`SELECT "id" FROM "Channel" ORDER BY "id"`);
    return rows.map((r) => r.id);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
