import { setTimeout as sleep } from "node:timers/promises";
import { RETRY_KEY_TTL_MS } from "../delivery/store";
import { REPLY_TOKEN_LIFETIME_MS } from "../messaging/reply-window";
import { env } from "../env";
import { countPruned } from "../operations/metrics";
import { PgPruneStore } from "./pg-prune-store";
import type { PruneStep, PruneStore } from "./prune-store";
import { retentionCutoffs, retentionSettings, type RetentionSettings } from "./settings";
import { SqlitePruneStore } from "./sqlite-prune-store";
import { logger } from "../log";

/** What one run of pruning deleted, per kind of row. */
export type PruneCounts = {
  events: number;
  attempts: number;
  errorStatistics: number;
  emails: number;
  notificationGroups: number;
  retryKeys: number;
  chats: number;
};

export type PruneOptions = {
  /** Rows read (and at most deleted) per batch. */
  batchRows?: number;
  /** The pause after each batch, in which deliveries write undisturbed. */
  pauseMs?: number;
  /** Ends the run before its next batch; what was deleted so far is counted. */
  signal?: AbortSignal;
};

const DEFAULT_BATCH_ROWS = 500;
const DEFAULT_PAUSE_MS = 80;
/** How often pruning runs in the background. */
const PRUNE_INTERVAL_MS = 10 * 60 * 1000;
/** The first run comes a little after start, not amid it. */
const FIRST_PRUNE_AFTER_MS = 30 * 1000;

/** A new prune store on the configured database; the caller closes it. */
export function openPruneStore(): PruneStore {
  const { databaseKind, databaseUrl, sqlitePath } = env();
  return databaseKind === "postgres" ? new PgPruneStore(databaseUrl) : new SqlitePruneStore(sqlitePath);
}

/** Runs a key-order scan to its end, pausing after each batch; returns how many rows it deleted. */
async function scanAll(step: (after: number) => Promise<PruneStep>, pauseMs: number, signal?: AbortSignal): Promise<number> {
  let deleted = 0;
  for (let after: number | null = 0; after !== null && !signal?.aborted; ) {
    const result: PruneStep = await step(after);
    deleted += result.deleted;
    after = result.next;
    await sleep(pauseMs);
  }
  return deleted;
}

/** Deletes in batches until a batch deletes fewer than `limit`; returns how many rows it deleted. */
async function drain(batch: () => Promise<number>, limit: number, pauseMs: number, signal?: AbortSignal): Promise<number> {
  let deleted = 0;
  for (let n = limit; n >= limit && !signal?.aborted; ) {
    n = await batch();
    deleted += n;
    await sleep(pauseMs);
  }
  return deleted;
}

/**
 * Deletes what is older than its retention at `now`: finished events and their sends, Verify and
 * test sends, error statistics, sent or given-up emails and their notification groups, retry
 * keys past their 24 hours, bots' messages as old as the events kept, and used reply tokens
 * that could no longer work anyway. Events pending, being sent or waiting for a redelivery are kept
 * whatever their age.
 */
export async function pruneOnce(
  store: PruneStore,
  settings: RetentionSettings,
  now: number,
  options: PruneOptions = {},
): Promise<PruneCounts> {
  const limit = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const pauseMs = options.pauseMs ?? DEFAULT_PAUSE_MS;
  const { signal } = options;
  const cutoffs = retentionCutoffs(settings, now);
  let attempts = 0;
  const events = await scanAll(
    async (after) => {
      const step = await store.pruneEvents(after, cutoffs.events, limit);
      attempts += step.attempts;
      return step;
    },
    pauseMs,
    signal,
  );
  attempts += await scanAll((after) => store.pruneChecks(after, cutoffs.events, limit), pauseMs, signal);
  let errorStatistics = 0;
  for (const channelId of await store.channelIds()) {
    errorStatistics += await drain(() => store.pruneErrorStatistics(channelId, cutoffs.errorStatistics, limit), limit, pauseMs, signal);
  }
  const emails = await scanAll((after) => store.pruneEmails(after, cutoffs.emails, limit), pauseMs, signal);
  const notificationGroups = await drain(() => store.pruneNotificationGroups(cutoffs.emails, limit), limit, pauseMs, signal);
  const retryKeys = await drain(() => store.pruneRetryKeys(now - RETRY_KEY_TTL_MS, limit), limit, pauseMs, signal);
  // A used reply token matters only while the token could still work.
  const chats = await drain(() => store.pruneChats(cutoffs.events, now - REPLY_TOKEN_LIFETIME_MS, limit), limit, pauseMs, signal);
  const counts = { events, attempts, errorStatistics, emails, notificationGroups, retryKeys, chats };
  for (const [table, count] of Object.entries(counts)) countPruned(table, count);
  return counts;
}

/** The last run of this process's background pruning. */
export type PruneRun = { startedAt: number; finishedAt: number; counts: PruneCounts } | { startedAt: number; error: string };

const holder = globalThis as unknown as { pruner?: { timer: NodeJS.Timeout; lastRun?: PruneRun } };

/** Starts pruning in the background (once per process): soon after start, then every 10 minutes. */
export function startPruner(): void {
  if (holder.pruner) return;
  const run = async () => {
    const startedAt = Date.now();
    const store = openPruneStore();
    try {
      const counts = await pruneOnce(store, retentionSettings(), startedAt);
      state.lastRun = { startedAt, finishedAt: Date.now(), counts };
    } catch (error) {
      state.lastRun = { startedAt, error: String(error) };
      logger().error({ component: "pruning", err: error }, "a pruning run failed");
    } finally {
      await store.close();
      state.timer = setTimeout(() => void run(), PRUNE_INTERVAL_MS).unref();
    }
  };
  const state: { timer: NodeJS.Timeout; lastRun?: PruneRun } = {
    timer: setTimeout(() => void run(), FIRST_PRUNE_AFTER_MS).unref(),
  };
  holder.pruner = state;
}

/** This process's last pruning run, if it prunes and has run. */
export function lastPruneRun(): PruneRun | undefined {
  return holder.pruner?.lastRun;
}
