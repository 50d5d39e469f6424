import { windowStartOf } from "../statistics/window";
import type { Failure } from "../webhook/reasons";
import type { AttemptRecord } from "./store";

// What both delivery stores do alike with a batch of outcomes before writing it.

/** Failures of one batch summed per (channel, window, reason, detail). */
export type ErrorGroup = {
  channelId: string;
  windowStart: number;
  reason: string;
  detail: string;
  firstAt: number;
  lastAt: number;
  count: number;
};

export const HOUR_MS = 3_600_000;

/** Errors with the same (reason, detail) within 5 minutes of the first go into one email. */
export const NOTIFICATION_GROUP_MS = 5 * 60_000;

export type NotificationKind = "error" | "redelivery_stopped";

/** Failures of a batch for one notification group. */
export type NoticeGroup = ErrorGroup & { kind: NotificationKind };

/**
 * Counts a failed send into the batch's group under `key`, which `windowStart` starts; a failure
 * is detected when its send ends.
 */
function countFailure<G extends ErrorGroup>(
  groups: Map<string, G>,
  attempt: AttemptRecord,
  key: (failure: Failure, detectedAt: number) => string,
  open: (group: ErrorGroup) => G,
  windowStart: (detectedAt: number) => number,
): void {
  const failure = attempt.failure!;
  const detectedAt = attempt.startedAt + attempt.durationMs;
  const k = key(failure, detectedAt);
  const group = groups.get(k);
  if (group) {
    group.count += 1;
    group.firstAt = Math.min(group.firstAt, detectedAt);
    group.lastAt = Math.max(group.lastAt, detectedAt);
    return;
  }
  groups.set(
    k,
    open({
      channelId: attempt.channelId,
      windowStart: windowStart(detectedAt),
      reason: failure.reason,
      detail: failure.detail,
      firstAt: detectedAt,
      lastAt: detectedAt,
      count: 1,
    }),
  );
}

/** Failures of one batch, summed per (channel, 60-second window, reason, detail). */
export function addToGroups(groups: Map<string, ErrorGroup>, attempt: AttemptRecord): void {
  countFailure(
    groups,
    attempt,
    (f, at) => `${attempt.channelId}\u0000${windowStartOf(at)}\u0000${f.reason}\u0000${f.detail}`,
    (group) => group,
    windowStartOf,
  );
}

/** Failures of one batch for notification emails, summed per (channel, kind, reason, detail). */
export function addNotice(
  notices: Map<string, NoticeGroup>,
  attempt: AttemptRecord,
  kind: NotificationKind,
): void {
  countFailure(
    notices,
    attempt,
    (f) => `${attempt.channelId}\u0000${kind}\u0000${f.reason}\u0000${f.detail}`,
    (group) => ({ ...group, kind }),
    (at) => at,
  );
}

/**
 * The attempt's columns in the INSERT's order (positional binding is the fastest), times written
 * by `time`, booleans as 1 and 0.
 */
export function attemptRow<T>(a: AttemptRecord, time: (ms: number) => T) {
  return [
    a.channelId,
    a.webhookEventId,
    a.kind,
    a.isRedelivery ? 1 : 0,
    a.url,
    time(a.startedAt),
    a.durationMs,
    a.dnsMs ?? null,
    a.connectMs ?? null,
    a.tlsMs ?? null,
    a.firstByteMs ?? null,
    a.httpVersion ?? null,
    a.failure ? 0 : 1,
    a.statusCode ?? null,
    a.failure?.reason ?? null,
    a.failure?.detail ?? null,
    a.requestExcerpt,
    a.responseExcerpt ?? null,
  ];
}
