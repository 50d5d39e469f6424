/** The tables of retry keys (the script endpoint's, and push, multicast and broadcast's), kept 24 hours. */
export const RETRY_KEY_TABLES = ["IngestRetryKey", "MessageRetryKey"] as const;

/** One step of a scan in key order: what it deleted, and the key to go on after (null: done). */
export type PruneStep = { deleted: number; next: number | null };

/**
 * The deletes pruning makes, each a small batch in a short transaction of its own, so that
 * deliveries are never held up for long. Scans go in key order (seq, id), which is the order
 * rows were written in: a scan stops at the first batch that reaches rows newer than the cutoff.
 */
export interface PruneStore {
  /**
   * Deletes, among the `limit` events after seq `after`, the finished ones (delivered, failed,
   * skipped) that finished before `cutoff`, with their sends, in one transaction. Events pending,
   * being sent or waiting for a redelivery are never touched. `deleted` counts events; `attempts`
   * their sends.
   */
  pruneEvents(after: number, cutoff: number, limit: number): Promise<PruneStep & { attempts: number }>;
  /** Deletes Verify and test sends (those of no event) made before `cutoff`, among `limit` after id `after`. */
  pruneChecks(after: number, cutoff: number, limit: number): Promise<PruneStep>;
  /** Deletes emails created before `cutoff` that were sent or given up, among `limit` after id `after`. */
  pruneEmails(after: number, cutoff: number, limit: number): Promise<PruneStep>;
  /** Deletes up to `limit` of a channel's 60-second error rows and hourly sums from before `cutoff`; returns how many. */
  pruneErrorStatistics(channelId: string, cutoff: number, limit: number): Promise<number>;
  /** Deletes up to `limit` notification groups emailed before `cutoff`; returns how many. */
  pruneNotificationGroups(cutoff: number, limit: number): Promise<number>;
  /** Deletes up to `limit` retry keys of each kind stored before `cutoff`; returns how many. */
  pruneRetryKeys(cutoff: number, limit: number): Promise<number>;
  /**
   * Deletes up to `limit` messages bots sent (the Simulator's chats) and up to `limit` of their
   * refused sends from before `messagesCutoff`, and up to `limit` used reply tokens from before `tokensCutoff`, when no reply token of theirs
   * can work any more; returns how many rows.
   */
  pruneChats(messagesCutoff: number, tokensCutoff: number, limit: number): Promise<number>;
  /** The channels, whose error statistics are pruned one channel at a time. */
  channelIds(): Promise<string[]>;
  close(): Promise<void>;
}
