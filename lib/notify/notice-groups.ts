import type { Failure } from "../webhook/reasons";

/**
 * Notification grouping: failures of one (reason, detail) of a channel within 5 minutes of the
 * group's first failure go into one email, sent when the 5 minutes are over. "Redelivery
 * stopped" notices group the same way, apart from error notices. Pure: the delivery stores write
 * what this returns, and the notifier sends a group once it is closed.
 */

/** How long a notification group stays open after its first failure. */
export const NOTIFICATION_GROUP_MS = 5 * 60_000;

/** The minutes a group stays open, as the emails and the Basic settings tab say it. */
export const NOTIFICATION_GROUP_MINUTES = NOTIFICATION_GROUP_MS / 60_000;

export type NotificationKind = "error" | "redelivery_stopped";

/** What a notice counts: a failed send of a channel whose Error notification is on. */
export type NoticeFailure = { channelId: string; kind: NotificationKind; failure: Failure; detectedAt: number };

/** A batch's failures for one notification group: (channel, kind, reason, detail). */
export type Notice = {
  channelId: string;
  kind: NotificationKind;
  reason: string;
  detail: string;
  firstAt: number;
  lastAt: number;
  count: number;
};

/** Whether a failure detected at `at` still joins a group opened at `openedAt`. */
export function joinsGroup(openedAt: number, at: number): boolean {
  return at - openedAt < NOTIFICATION_GROUP_MS;
}

/**
 * The bound for finding the group a notice joins: an unsent group opened after this instant
 * (`openedAt > joinableAfter(firstAt)`) is still open for it, exactly as `joinsGroup` says.
 */
export function joinableAfter(firstAt: number): number {
  return firstAt - NOTIFICATION_GROUP_MS;
}

/**
 * The span of a group a notice opens: from its first failure to its last, or to `now` if that is
 * later, so the group is seen to be alive as of the batch that opened it.
 */
export function openedGroupSpan(notice: Notice, now: number): { openedAt: number; lastAt: number } {
  return { openedAt: notice.firstAt, lastAt: Math.max(notice.lastAt, now) };
}

/**
 * Groups opened at or before this instant are closed at `now`, so their email may go: exactly
 * those a failure at `now` would no longer join (`joinsGroup`), as a bound for a query.
 */
export function closedGroupsOpenedBy(now: number): number {
  return now - NOTIFICATION_GROUP_MS;
}

/** Sums a batch's notices per (channel, kind, reason, detail), sorted so writers lock in one order. */
export function groupNotices(failures: readonly NoticeFailure[]): Notice[] {
  const notices = new Map<string, Notice>();
  for (const { channelId, kind, failure, detectedAt } of failures) {
    const key = `${channelId}\u0000${kind}\u0000${failure.reason}\u0000${failure.detail}`;
    const notice = notices.get(key);
    if (notice) {
      notice.count += 1;
      if (detectedAt < notice.firstAt) notice.firstAt = detectedAt;
      if (detectedAt > notice.lastAt) notice.lastAt = detectedAt;
    } else {
      notices.set(key, { channelId, kind, reason: failure.reason, detail: failure.detail, firstAt: detectedAt, lastAt: detectedAt, count: 1 });
    }
  }
  return [...notices.values()].sort(compareNotices);
}

function compareNotices(a: Notice, b: Notice): number {
  for (const field of ["channelId", "kind", "reason", "detail"] as const) {
    if (a[field] !== b[field]) return a[field] < b[field] ? -1 : 1;
  }
  return 0;
}
