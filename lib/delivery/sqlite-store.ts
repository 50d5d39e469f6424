import Database from "better-sqlite3";
import { joinableAfter, openedGroupSpan, type Notice } from "../notify/notice-groups";
import { rowKey, rowsCreatedIn } from "../statistics/error-groups";
import { ATTEMPT_COLUMN_LIST, ATTEMPT_COLUMNS, attemptValues } from "./attempt-columns";
import { claimInOrder, type LeaseKinds } from "./claim-order";
import { isUnfinished, SqlStatus } from "./lifecycle";
import { channelsWithFailures, planOutcomes, type ChannelFlags, type EventUpdate, type OutcomePlan } from "./outcome-plan";
import { CheckpointThread } from "./sqlite-checkpoints";
import { sqliteTime } from "../sqlite-time";
import {
  forgetDispatchersSeenBefore,
  RETRY_KEY_TTL_MS,
  type AcceptedBatch,
  type AttemptRecord,
  CLAIMED_COLUMNS,
  type ChannelDelivery,
  type ClaimedEvent,
  type ClaimOptions,
  type DeliveryStore,
  type EventOutcome,
  type NewEvent,
  type RetryKey,
} from "./store";
import { databaseBusy, storageFailure } from "../errors";
import { logger } from "../log";

/** An attempt's values in the columns' order, as SQLite stores them. */
const sqliteAttemptValues = attemptValues({ boolean: (value) => (value ? 1 : 0), time: sqliteTime });

/** SQLite's own default: a commit that leaves the WAL longer than this many pages checkpoints it. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/**
 * The delivery store on the embedded SQLite file, with prepared statements and one transaction
 * per batch. Every transaction here writes, so each takes the write lock as it begins
 * (IMMEDIATE): one that read first could not wait for it, and SQLite would refuse it at once.
 */
/** How long a statement waits for another connection's write lock before SQLite says it is busy. */
const BUSY_TIMEOUT_MS = 10_000;

/** How long an insert of accepted events goes on asking for the write lock before it answers 503. */
export const INGEST_BUSY_WAIT_MS = 5_000;

/** SQLite's result code of an error from better-sqlite3 (`SQLITE_BUSY`, `SQLITE_FULL`, …). */
function sqliteCode(error: unknown): string | undefined {
  return error instanceof Database.SqliteError ? error.code : undefined;
}

export type SqliteStoreOptions = {
  /**
   * "elsewhere": another store of this process on the same file runs the checkpoint thread, and
   * this one needs none of its own (each thread is a JavaScript heap more). Its commits still
   * never checkpoint: should that thread die, the other store's connection checkpoints again.
   */
  checkpoints?: "thread" | "elsewhere";
};

export class SqliteDeliveryStore implements DeliveryStore {
  private readonly db: Database.Database;
  private readonly statements;
  private readonly checkpoints: CheckpointThread | undefined;

  /**
   * `redeliverySchedule`: the delays before each redelivery of a failed event, while the
   * channel's Webhook redelivery is on.
   */
  constructor(
    file: string,
    private readonly redeliverySchedule: readonly number[] = [],
    options: SqliteStoreOptions = {},
  ) {
    this.db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    this.db.pragma("journal_mode = WAL");
    // Commits here never copy the WAL back into the database file: a thread does it.
    this.db.pragma("wal_autocheckpoint = 0");
    this.checkpoints =
      options.checkpoints === "elsewhere"
        ? undefined
        : new CheckpointThread(file, (error) => {
            logger().warn({ component: "delivery store", err: error }, "checkpoints are back on the store's own thread");
            if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
          });
    this.statements = {
      insertEvent: this.db.prepare(
        `INSERT INTO "WebhookEvent" ("webhookEventId", "channelId", "type", "event", "sourceUserId", "sourceGroupId", "status", "origin",
           "createdAt", "finishedAt")
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // Events wait as pending; a claim makes them sending under a lease. Only unclaimed events
      // sit in the (status, channelId, seq) index range for pending, so a claim reads just what
      // it takes; the few sending rows are checked for leases that ran out.
      // One index probe per channel, not a scan of every waiting event: a backlog of 100k
      // events must not make each poll slower. As on PostgreSQL, a pending event is looked for
      // past the holder's cursor (@mine: [[channelId, after], …]) on its own channels, and not
      // at all on another dispatcher's.
      channelsWithWork: this.db
        .prepare(
          `WITH "mine" AS (SELECT "value" ->> 0 AS "channelId", "value" ->> 1 AS "after" FROM json_each(@mine)),
           "others" AS (SELECT "channelId" FROM "ChannelLease" WHERE "until" >= @now AND "holder" <> @holder)
           SELECT "channelId" FROM "others"
           UNION
           SELECT c."id" FROM "Channel" AS c LEFT JOIN "mine" AS m ON m."channelId" = c."id" WHERE
             (m."channelId" IS NOT NULL OR c."id" NOT IN (SELECT "channelId" FROM "others"))
             AND EXISTS (SELECT 1 FROM "WebhookEvent" INDEXED BY "WebhookEvent_status_channelId_seq_idx"
                         WHERE "status" = ${SqlStatus.pending} AND "channelId" = c."id" AND "seq" > coalesce(m."after", 0))
           UNION
           SELECT c."id" FROM "Channel" AS c WHERE
             EXISTS (SELECT 1 FROM "WebhookEvent" WHERE "status" = ${SqlStatus.sending} AND "channelId" = c."id" AND "lockedUntil" < @now)
             OR EXISTS (SELECT 1 FROM "WebhookEvent" INDEXED BY "WebhookEvent_status_channelId_nextAttemptAt_idx"
                        WHERE "status" = ${SqlStatus.retrying} AND "channelId" = c."id" AND "nextAttemptAt" <= @now)`,
        )
        .pluck(),
      channel: this.db.prepare(
        `SELECT "id", "webhookUrl", "channelSecret", "botUserId", "useWebhook", "errorStatisticsAggregation"
         FROM "Channel" WHERE "id" = ?`,
      ),
      // First what a dead dispatcher left in flight, then fresh events in arrival order, then
      // redeliveries that are due: a backlog of redeliveries never starves first sends. Looking
      // for expired leases reads every event in flight, so it is done on the periodic scan only.
      claim: this.db.prepare(
        `UPDATE "WebhookEvent" SET "status" = ${SqlStatus.sending}, "lockedBy" = @workerId, "lockedUntil" = @until
         WHERE "seq" IN (
           SELECT "seq" FROM (
             SELECT 0 AS "rank", "seq" FROM (
               SELECT "seq" FROM "WebhookEvent" INDEXED BY "WebhookEvent_status_channelId_seq_idx"
               WHERE @reclaim = 1 AND "status" = ${SqlStatus.sending} AND "channelId" = @channelId AND "lockedUntil" < @now
               ORDER BY "seq" LIMIT @limit)
             UNION ALL
             SELECT 1, "seq" FROM (
               SELECT "seq" FROM "WebhookEvent" INDEXED BY "WebhookEvent_status_channelId_seq_idx"
               WHERE @fresh = 1 AND "status" = ${SqlStatus.pending} AND "channelId" = @channelId
               ORDER BY "seq" LIMIT @limit)
             UNION ALL
             SELECT 2, "seq" FROM (
               SELECT "seq" FROM "WebhookEvent" INDEXED BY "WebhookEvent_status_channelId_nextAttemptAt_idx"
               WHERE @due = 1 AND "status" = ${SqlStatus.retrying} AND "channelId" = @channelId AND "nextAttemptAt" <= @now
               ORDER BY "nextAttemptAt" LIMIT @limit)
           ) ORDER BY "rank", "seq" LIMIT @limit)
         RETURNING ${CLAIMED_COLUMNS}`,
      ),
      // A channel's lease holder reads its fresh events past its cursor and leaves them pending:
      // nothing is written until their outcome is. SQLite has one writer at a time, so events
      // commit in seq order and none can appear behind the cursor later.
      readFresh: this.db.prepare(
        `SELECT ${CLAIMED_COLUMNS} FROM "WebhookEvent" INDEXED BY "WebhookEvent_status_channelId_seq_idx"
         WHERE "status" = ${SqlStatus.pending} AND "channelId" = ? AND "seq" > ?
         ORDER BY "seq" LIMIT ?`,
      ),
      // Whether a claim has events whose lease ran out, or redeliveries, to lease: asked first,
      // because the UPDATE that leases them waits for the write lock even when it finds none.
      hasExpired: this.db
        .prepare(
          `SELECT 1 FROM "WebhookEvent" INDEXED BY "WebhookEvent_status_channelId_seq_idx"
           WHERE "status" = ${SqlStatus.sending} AND "channelId" = ? AND "lockedUntil" < ? LIMIT 1`,
        )
        .pluck(),
      hasDue: this.db
        .prepare(
          `SELECT 1 FROM "WebhookEvent" INDEXED BY "WebhookEvent_status_channelId_nextAttemptAt_idx"
           WHERE "status" = ${SqlStatus.retrying} AND "channelId" = ? AND "nextAttemptAt" <= ? LIMIT 1`,
        )
        .pluck(),
      release: this.db.prepare(
        `UPDATE "WebhookEvent" SET "status" = CASE WHEN "attempts" > 0 THEN ${SqlStatus.retrying} ELSE ${SqlStatus.pending} END,
           "lockedBy" = NULL, "lockedUntil" = NULL
         WHERE "seq" = ? AND "status" = ${SqlStatus.sending} AND "lockedBy" = ?`,
      ),
      skip: this.db.prepare(
        // Each status apart, so that each is found in its partial index.
        `UPDATE "WebhookEvent" SET "status" = ${SqlStatus.skipped}, "finishedAt" = @at, "lockedBy" = NULL, "lockedUntil" = NULL
         WHERE "seq" IN (
           SELECT "seq" FROM "WebhookEvent" WHERE "status" = ${SqlStatus.pending} AND "channelId" = @channelId
           UNION ALL
           SELECT "seq" FROM "WebhookEvent" WHERE "status" = ${SqlStatus.retrying} AND "channelId" = @channelId)`,
      ),
      insertAttempt: this.db.prepare(
        `INSERT INTO "DeliveryAttempt" (${ATTEMPT_COLUMN_LIST}) VALUES (${ATTEMPT_COLUMNS.map(() => "?").join(", ")})`,
      ),
      // The events of a batch that end alike, their seqs as a JSON array: one statement for all
      // of them rather than one per event.
      finishEvents: this.db.prepare(
        `UPDATE "WebhookEvent" SET "status" = ?, "attempts" = "attempts" + ?, "finishedAt" = ?,
           "nextAttemptAt" = ?, "lockedBy" = NULL, "lockedUntil" = NULL
         WHERE "seq" IN (SELECT "value" FROM json_each(?))`,
      ),
      errorRowExists: this.db
        .prepare(
          `SELECT 1 FROM "ErrorStat" WHERE "channelId" = ? AND "windowStart" = ? AND "reason" = ? AND "detail" = ?`,
        )
        .pluck(),
      upsertHour: this.db.prepare(
        `INSERT INTO "ErrorStatHour" ("channelId", "hourStart", "reason", "detail", "count", "rows")
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT ("channelId", "hourStart", "reason", "detail") DO UPDATE SET
           "count" = "count" + excluded."count", "rows" = "rows" + excluded."rows"`,
      ),
      channelFlags: this.db.prepare(
        `SELECT "errorStatisticsAggregation", "webhookRedelivery", "errorNotification" FROM "Channel" WHERE "id" = ?`,
      ),
      openGroup: this.db
        .prepare(
          `SELECT "id" FROM "NotificationGroup"
           WHERE "channelId" = ? AND "kind" = ? AND "reason" = ? AND "detail" = ? AND "emailedAt" IS NULL AND "openedAt" > ?
           ORDER BY "openedAt" DESC LIMIT 1`,
        )
        .pluck(),
      addToGroup: this.db.prepare(
        `UPDATE "NotificationGroup" SET "count" = "count" + ?, "lastAt" = max("lastAt", ?) WHERE "id" = ?`,
      ),
      newGroup: this.db.prepare(
        `INSERT INTO "NotificationGroup" ("channelId", "kind", "reason", "detail", "openedAt", "lastAt", "count")
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      acceptedBatch: this.db.prepare(
        `SELECT "requestId", "webhookEventIds", "willSend" FROM "IngestRetryKey"
         WHERE "channelId" = ? AND "retryKey" = ? AND "createdAt" >= ?`,
      ),
      // A key whose 24 hours are over is used afresh.
      storeRetryKey: this.db.prepare(
        `INSERT INTO "IngestRetryKey" ("channelId", "retryKey", "requestId", "webhookEventIds", "willSend", "createdAt")
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT ("channelId", "retryKey") DO UPDATE SET "requestId" = excluded."requestId",
           "webhookEventIds" = excluded."webhookEventIds", "willSend" = excluded."willSend", "createdAt" = excluded."createdAt"`,
      ),
      heartbeat: this.db.prepare(
        `INSERT INTO "Dispatcher" ("id", "seenAt") VALUES (?, ?)
         ON CONFLICT ("id") DO UPDATE SET "seenAt" = excluded."seenAt"`,
      ),
      forgetDispatchers: this.db.prepare(`DELETE FROM "Dispatcher" WHERE "seenAt" < ?`),
      liveDispatchers: this.db.prepare(`SELECT count(*) FROM "Dispatcher" WHERE "seenAt" >= ?`).pluck(),
      heldChannels: this.db
        .prepare(`SELECT "channelId" FROM "ChannelLease" WHERE "holder" = ? AND "until" >= ?`)
        .pluck(),
      // Taken when free, run out, or already ours (then renewed).
      takeChannel: this.db.prepare(
        `INSERT INTO "ChannelLease" ("channelId", "holder", "until") VALUES (@channelId, @holder, @until)
         ON CONFLICT ("channelId") DO UPDATE SET "holder" = excluded."holder", "until" = excluded."until"
         WHERE "ChannelLease"."holder" = excluded."holder" OR "ChannelLease"."until" < @now`,
      ),
      releaseChannel: this.db.prepare(`DELETE FROM "ChannelLease" WHERE "channelId" = ? AND "holder" = ?`),
      upsertErrors: this.db.prepare(
        `INSERT INTO "ErrorStat" ("channelId", "windowStart", "reason", "detail", "firstAt", "lastAt", "count")
         VALUES (@channelId, @windowStart, @reason, @detail, @firstAt, @lastAt, @count)
         ON CONFLICT ("channelId", "windowStart", "reason", "detail") DO UPDATE SET
           "count" = "count" + excluded."count",
           "firstAt" = min("firstAt", excluded."firstAt"),
           "lastAt" = max("lastAt", excluded."lastAt")`,
      ),
    };
  }

  /**
   * Writes a batch of events, all or none. The write lock is asked for without SQLite's busy wait,
   * which would hold this thread (the one that serves pages) for up to the busy timeout: while
   * another process holds the lock the insert waits between tries, so pages go on, and after
   * INGEST_BUSY_WAIT_MS it gives up with a 503. A full disk is a 507.
   */
  async insertEvents(events: readonly NewEvent[], retryKey?: RetryKey): Promise<AcceptedBatch | null> {
    const deadline = Date.now() + INGEST_BUSY_WAIT_MS;
    for (let pause = 2; ; pause = Math.min(pause * 2, 100)) {
      try {
        this.db.pragma("busy_timeout = 0");
        try {
          return this.insertNow(events, retryKey);
        } finally {
          this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
        }
      } catch (error) {
        if (!sqliteCode(error)?.startsWith("SQLITE_BUSY")) throw storageFailure(error) ?? error;
        if (Date.now() + pause > deadline) throw databaseBusy();
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  private insertNow(events: readonly NewEvent[], retryKey?: RetryKey): AcceptedBatch | null {
    const { insertEvent: insert, acceptedBatch, storeRetryKey } = this.statements;
    // Accepted events survive even a power cut: their commit waits for the disk.
    this.setSynchronous("FULL");
    // The write lock taken first makes requests with the same key take turns, across processes.
    return this.db.transaction((): AcceptedBatch | null => {
      if (retryKey) {
        const { channelId, key, requestId, willSend, now } = retryKey;
        const earlier = acceptedBatch.get(channelId, key, sqliteTime(now - RETRY_KEY_TTL_MS)) as
          | { requestId: string; webhookEventIds: string; willSend: number }
          | undefined;
        if (earlier) {
          return { requestId: earlier.requestId, webhookEventIds: JSON.parse(earlier.webhookEventIds), willSend: earlier.willSend === 1 };
        }
        const ids = JSON.stringify(events.map((e) => e.webhookEventId));
        storeRetryKey.run(channelId, key, requestId, ids, willSend ? 1 : 0, sqliteTime(now));
      }
      for (const e of events) {
        const createdAt = sqliteTime(e.createdAt);
        const finishedAt = isUnfinished(e.status) ? null : createdAt;
        insert.run(e.webhookEventId, e.channelId, e.type, e.event, e.sourceUserId, e.sourceGroupId, e.status, e.origin, createdAt, finishedAt);
      }
      return null;
    }).immediate();
  }

  private synchronous: "FULL" | "NORMAL" | undefined;

  private setSynchronous(level: "FULL" | "NORMAL"): void {
    if (this.synchronous === level) return;
    this.db.pragma(`synchronous = ${level}`);
    this.synchronous = level;
  }

  async channelsWithWork(now: number, holder: string, cursors: ReadonlyMap<string, number>): Promise<string[]> {
    return this.statements.channelsWithWork.all({ now: sqliteTime(now), holder, mine: JSON.stringify([...cursors]) }) as string[];
  }

  async channel(channelId: string): Promise<ChannelDelivery | null> {
    const row = this.statements.channel.get(channelId) as
      | (Omit<ChannelDelivery, "useWebhook" | "errorStatisticsAggregation"> & {
          useWebhook: number;
          errorStatisticsAggregation: number;
        })
      | undefined;
    if (!row) return null;
    return { ...row, useWebhook: row.useWebhook === 1, errorStatisticsAggregation: row.errorStatisticsAggregation === 1 };
  }

  async claim(
    channelId: string,
    workerId: string,
    limit: number,
    now: number,
    leaseMs: number,
    options: ClaimOptions = {},
  ): Promise<ClaimedEvent[]> {
    const { claim, readFresh, hasExpired, hasDue } = this.statements;
    const params = { channelId, workerId, now: sqliteTime(now), until: sqliteTime(now + leaseMs) };
    return claimInOrder(
      {
        lease: async (limit: number, kinds: LeaseKinds) => {
          const ranks = { reclaim: kinds.expired ? 1 : 0, fresh: kinds.fresh ? 1 : 0, due: kinds.due ? 1 : 0 };
          return claim.all({ ...params, limit, ...ranks }) as ClaimedEvent[];
        },
        readFresh: async (after: number, limit: number) => readFresh.all(channelId, after, limit) as ClaimedEvent[],
        mayHaveExpired: async () => hasExpired.get(channelId, params.now) === 1,
        mayHaveDue: async () => hasDue.get(channelId, params.now) === 1,
      },
      limit,
      options,
    );
  }

  async release(seqs: readonly number[], workerId: string): Promise<void> {
    const release = this.statements.release;
    this.db.transaction(() => {
      for (const seq of seqs) release.run(seq, workerId);
    }).immediate();
  }

  async skipPending(channelId: string, now: number): Promise<number> {
    return this.statements.skip.run({ at: sqliteTime(now), channelId }).changes;
  }

  async recordOutcomes(outcomes: readonly EventOutcome[], now: number): Promise<void> {
    // Outcomes may skip the wait for the disk: in WAL mode a crash of the process loses none of
    // them, and a power cut can only lose the last few, whose events are then sent again.
    this.setSynchronous("NORMAL");
    this.db.transaction(() => {
      const flags = this.readFlags(channelsWithFailures(outcomes));
      this.writePlan(planOutcomes(outcomes, flags, this.redeliverySchedule, now));
    }).immediate();
  }

  private readFlags(channelIds: readonly string[]): Map<string, ChannelFlags> {
    const flags = new Map<string, ChannelFlags>();
    for (const channelId of channelIds) {
      const row = this.statements.channelFlags.get(channelId) as Record<keyof ChannelFlags, number> | undefined;
      if (!row) continue;
      flags.set(channelId, {
        errorStatisticsAggregation: row.errorStatisticsAggregation === 1,
        webhookRedelivery: row.webhookRedelivery === 1,
        errorNotification: row.errorNotification === 1,
      });
    }
    return flags;
  }

  /** Writes a batch's plan; runs inside the batch's transaction. */
  private writePlan(plan: OutcomePlan): void {
    const { insertAttempt, upsertErrors, errorRowExists, upsertHour } = this.statements;
    for (const attempt of plan.attempts) insertAttempt.run(sqliteAttemptValues(attempt));
    this.finishEvents(plan.events, sqliteTime(plan.now));
    const created = new Set<string>();
    for (const g of plan.errorGroups) {
      const windowStart = sqliteTime(g.windowStart);
      if (errorRowExists.get(g.channelId, windowStart, g.reason, g.detail) === undefined) {
        created.add(rowKey(g.channelId, g.windowStart, g.reason, g.detail));
      }
      upsertErrors.run({ ...g, windowStart, firstAt: sqliteTime(g.firstAt), lastAt: sqliteTime(g.lastAt) });
    }
    for (const h of plan.errorHours) {
      upsertHour.run(h.channelId, sqliteTime(h.hourStart), h.reason, h.detail, h.count, rowsCreatedIn(h, created));
    }
    for (const n of plan.notices) this.countNotice(n, plan.now);
  }

  /**
   * Sets each event's new status, one UPDATE for all the events that end alike. An event sent
   * twice in one batch (its lease ran out while its first outcome waited) counts both sends and
   * ends as its last one did, as if each were written in turn.
   */
  private finishEvents(events: readonly EventUpdate[], at: string): void {
    const last = new Map<number, { update: EventUpdate; sends: number }>();
    for (const e of events) {
      const earlier = last.get(e.seq);
      last.set(e.seq, { update: e, sends: earlier === undefined ? 1 : earlier.sends + 1 });
    }
    const alike = new Map<string, { status: EventUpdate["status"]; sends: number; nextAttemptAt: string | null; seqs: number[] }>();
    for (const [seq, { update, sends }] of last) {
      const nextAttemptAt = update.nextAttemptAt === null ? null : sqliteTime(update.nextAttemptAt);
      const key = `${update.status} ${sends} ${nextAttemptAt}`;
      const group = alike.get(key);
      if (group) group.seqs.push(seq);
      else alike.set(key, { status: update.status, sends, nextAttemptAt, seqs: [seq] });
    }
    const finish = this.statements.finishEvents;
    for (const g of alike.values()) finish.run(g.status, g.sends, at, g.nextAttemptAt, JSON.stringify(g.seqs));
  }

  /** Adds failures to the channel's open notification group, or opens one. */
  private countNotice(n: Notice, now: number): void {
    const { openGroup, addToGroup, newGroup } = this.statements;
    const open = openGroup.get(n.channelId, n.kind, n.reason, n.detail, sqliteTime(joinableAfter(n.firstAt))) as number | undefined;
    if (open !== undefined) {
      addToGroup.run(n.count, sqliteTime(n.lastAt), open);
      return;
    }
    const span = openedGroupSpan(n, now);
    newGroup.run(n.channelId, n.kind, n.reason, n.detail, sqliteTime(span.openedAt), sqliteTime(span.lastAt), n.count);
  }

  async recordCheck(attempt: AttemptRecord): Promise<void> {
    this.statements.insertAttempt.run(sqliteAttemptValues(attempt));
  }

  async heartbeat(holder: string, now: number, aliveMs: number): Promise<number> {
    const { heartbeat, forgetDispatchers, liveDispatchers } = this.statements;
    return this.db.transaction(() => {
      heartbeat.run(holder, sqliteTime(now));
      forgetDispatchers.run(sqliteTime(forgetDispatchersSeenBefore(now, aliveMs)));
      return liveDispatchers.get(sqliteTime(now - aliveMs)) as number;
    }).immediate();
  }

  async acquireChannels(
    holder: string,
    channels: readonly string[],
    max: number,
    now: number,
    leaseMs: number,
  ): Promise<string[]> {
    const { heldChannels, takeChannel } = this.statements;
    return this.db.transaction(() => {
      const held = new Set(heldChannels.all(holder, sqliteTime(now)) as string[]);
      const params = { holder, now: sqliteTime(now), until: sqliteTime(now + leaseMs) };
      const result: string[] = [];
      let count = held.size;
      for (const channelId of channels) {
        const mine = held.has(channelId);
        if (!mine && count >= max) continue;
        if (takeChannel.run({ ...params, channelId }).changes === 0) continue;
        result.push(channelId);
        if (!mine) count += 1;
      }
      return result;
    }).immediate();
  }

  async releaseChannels(holder: string, channels: readonly string[]): Promise<void> {
    const release = this.statements.releaseChannel;
    this.db.transaction(() => {
      for (const channelId of channels) release.run(channelId, holder);
    }).immediate();
  }

  async retireDispatcher(holder: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM "ChannelLease" WHERE "holder" = ?`).run(holder);
      this.db.prepare(`DELETE FROM "Dispatcher" WHERE "id" = ?`).run(holder);
    }).immediate();
  }

  async close(): Promise<void> {
    await this.checkpoints?.stop();
    this.db.close();
  }
}

