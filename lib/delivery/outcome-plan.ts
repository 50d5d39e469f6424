import { groupNotices, type Notice, type NoticeFailure } from "../notify/notice-groups";
import { groupErrors, type CountedFailure, type ErrorGroup, type ErrorHour } from "../statistics/error-groups";
import { EventStatus } from "./lifecycle";
import type { AttemptRecord, EventOutcome } from "./store";

/**
 * What a batch of finished sends does, decided in one pure function: the attempt log's rows,
 * each event's next status, the error statistics to count and the notification groups to open
 * or add to. Each delivery store writes a plan in its own SQL, under its own locking; none of
 * them decides anything.
 */

/** The switches of a channel that decide what a failed send leads to. */
export type ChannelFlags = {
  errorStatisticsAggregation: boolean;
  webhookRedelivery: boolean;
  errorNotification: boolean;
};

/** A channel that no longer exists: its failures count nowhere and are never redelivered. */
const NO_FLAGS: ChannelFlags = { errorStatisticsAggregation: false, webhookRedelivery: false, errorNotification: false };

/** What a send's outcome makes of its event. */
export type EventUpdate = {
  seq: number;
  status: typeof EventStatus.delivered | typeof EventStatus.retrying | typeof EventStatus.failed;
  /** When the scheduled redelivery is due; null unless retrying. */
  nextAttemptAt: number | null;
};

export type OutcomePlan = {
  /** Every send, in the batch's order. */
  attempts: AttemptRecord[];
  events: EventUpdate[];
  /** 60-second error rows to add to, in the order every writer locks them. */
  errorGroups: ErrorGroup[];
  /** Hourly sums to add to, in the same order. */
  errorHours: ErrorHour[];
  /** Notification groups to add to (or open), in the same order. */
  notices: Notice[];
  /** When the batch is written: the events' `finishedAt`. */
  now: number;
};

/** What follows a failed send: a redelivery after the schedule's next delay, or nothing more. */
export type AfterFailure =
  | { status: typeof EventStatus.retrying; nextAttemptAt: number; isLastTry: false }
  | { status: typeof EventStatus.failed; nextAttemptAt: null; isLastTry: boolean };

/**
 * The redelivery decision. `attemptsBefore` counts the event's earlier sends: the first failure
 * waits `schedule[0]`, the second `schedule[1]`, and once the schedule is spent the event has
 * failed for good. With Webhook redelivery off, every failure is final and none is the end of a
 * schedule (`isLastTry` false), so no "redelivery stopped" notice follows it.
 */
export function decideAfterFailure(
  attemptsBefore: number,
  isRedeliveryOn: boolean,
  schedule: readonly number[],
  now: number,
): AfterFailure {
  if (!isRedeliveryOn) return { status: EventStatus.failed, nextAttemptAt: null, isLastTry: false };
  const delay = schedule[attemptsBefore];
  if (delay === undefined) return { status: EventStatus.failed, nextAttemptAt: null, isLastTry: true };
  return { status: EventStatus.retrying, nextAttemptAt: now + delay, isLastTry: false };
}

/** The channels whose switches a batch needs: those with a failed send (successes need none). */
export function channelsWithFailures(outcomes: readonly EventOutcome[]): string[] {
  const channels = new Set<string>();
  for (const { attempt } of outcomes) if (attempt.failure) channels.add(attempt.channelId);
  return [...channels];
}

/** When a failed send is counted: when it was detected, at the end of the send. */
function detectedAt(attempt: AttemptRecord): number {
  return attempt.startedAt + attempt.durationMs;
}

/**
 * The plan for a batch of finished sends. `flags` holds the switches of (at least) every channel
 * `channelsWithFailures` names, as read in the transaction that writes the plan.
 */
export function planOutcomes(
  outcomes: readonly EventOutcome[],
  flags: ReadonlyMap<string, ChannelFlags>,
  schedule: readonly number[],
  now: number,
): OutcomePlan {
  const attempts: AttemptRecord[] = [];
  const events: EventUpdate[] = [];
  const counted: CountedFailure[] = [];
  const noticed: NoticeFailure[] = [];
  for (const { seq, attemptsBefore, attempt } of outcomes) {
    attempts.push(attempt);
    // The URL policy refused the send: logged, but no failure of the bot to count, notify or
    // redeliver (a redelivery would be refused the same way).
    if (attempt.refusal !== undefined) {
      events.push({ seq, status: EventStatus.failed, nextAttemptAt: null });
      continue;
    }
    const { failure } = attempt;
    if (!failure) {
      events.push({ seq, status: EventStatus.delivered, nextAttemptAt: null });
      continue;
    }
    const channel = flags.get(attempt.channelId) ?? NO_FLAGS;
    const at = detectedAt(attempt);
    if (channel.errorStatisticsAggregation) counted.push({ channelId: attempt.channelId, failure, detectedAt: at });
    if (channel.errorNotification) noticed.push({ channelId: attempt.channelId, kind: "error", failure, detectedAt: at });
    const next = decideAfterFailure(attemptsBefore, channel.webhookRedelivery, schedule, now);
    events.push({ seq, status: next.status, nextAttemptAt: next.nextAttemptAt });
    if (next.isLastTry && channel.errorNotification) {
      noticed.push({ channelId: attempt.channelId, kind: "redelivery_stopped", failure, detectedAt: at });
    }
  }
  const { groups, hours } = groupErrors(counted);
  return { attempts, events, errorGroups: groups, errorHours: hours, notices: groupNotices(noticed), now };
}
