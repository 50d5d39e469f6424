import { describe, expect, test } from "vitest";
import { canTransition, EVENT_STATUSES, EventStatus, type EventStatus as Status } from "@/lib/delivery/lifecycle";
import { ATTEMPT_COLUMNS } from "@/lib/delivery/attempt-columns";
import { decideAfterFailure, planOutcomes, type ChannelFlags } from "@/lib/delivery/outcome-plan";
import type { AttemptRecord, EventOutcome } from "@/lib/delivery/store";
import type { Failure } from "@/lib/webhook/reasons";

// What a batch of finished sends does, decided without a database or a clock: `now` is a number.

const NOW = Date.UTC(2026, 10, 30, 15, 0, 0);
const SCHEDULE = [1_000, 5_000, 30_000] as const;
const TIMEOUT: Failure = { reason: "request_timeout", detail: "Request timeout" };
const STATUS_500: Failure = { reason: "error_status_code", detail: "500" };

const ALL_ON: ChannelFlags = { errorStatisticsAggregation: true, webhookRedelivery: true, errorNotification: true };

function outcome(seq: number, attemptsBefore: number, failure: Failure | null, channelId = "1000000001", endsAt = NOW - 10): EventOutcome {
  const attempt: AttemptRecord = {
    channelId,
    webhookEventId: `01K${String(seq).padStart(23, "0")}`,
    kind: "event",
    isRedelivery: attemptsBefore > 0,
    url: "https://bot.example.com/callback",
    startedAt: endsAt - 40,
    durationMs: 40,
    failure,
    requestExcerpt: "",
  };
  return { seq, attemptsBefore, attempt };
}

const REFUSAL = "Refused by the URL policy: 127.0.0.1 is a loopback address (127.0.0.0/8).";

/** A send the URL policy refused: no failure of the bot, only the refusal. */
function refused(seq: number, attemptsBefore: number, channelId = "1000000001"): EventOutcome {
  const { attempt } = outcome(seq, attemptsBefore, null, channelId);
  return { seq, attemptsBefore, attempt: { ...attempt, refusal: REFUSAL } };
}

describe("the redelivery decision", () => {
  test.each([
    { label: "first failure waits the first delay", attemptsBefore: 0, on: true, status: "retrying", next: NOW + 1_000, isLastTry: false },
    { label: "second failure waits the second delay", attemptsBefore: 1, on: true, status: "retrying", next: NOW + 5_000, isLastTry: false },
    { label: "third failure waits the last delay", attemptsBefore: 2, on: true, status: "retrying", next: NOW + 30_000, isLastTry: false },
    { label: "a failure after the schedule is spent is final", attemptsBefore: 3, on: true, status: "failed", next: null, isLastTry: true },
    { label: "far past the schedule is final too", attemptsBefore: 9, on: true, status: "failed", next: null, isLastTry: true },
    { label: "redelivery off: the first failure is final", attemptsBefore: 0, on: false, status: "failed", next: null, isLastTry: false },
    { label: "redelivery off mid-schedule: final, not a schedule's end", attemptsBefore: 1, on: false, status: "failed", next: null, isLastTry: false },
  ])("$label", ({ attemptsBefore, on, status, next, isLastTry }) => {
    expect(decideAfterFailure(attemptsBefore, on, SCHEDULE, NOW)).toEqual({ status, nextAttemptAt: next, isLastTry });
  });

  test("an empty schedule with redelivery on fails at once and says redelivery stopped", () => {
    expect(decideAfterFailure(0, true, [], NOW)).toEqual({ status: "failed", nextAttemptAt: null, isLastTry: true });
  });
});

describe("a batch's plan", () => {
  const flags = (f: Partial<ChannelFlags> = {}) => new Map([["1000000001", { ...ALL_ON, ...f }]]);

  test.each([
    {
      label: "a success after failures is delivered, counted nowhere",
      batch: [outcome(1, 2, null)],
      flags: flags(),
      events: [{ seq: 1, status: "delivered", nextAttemptAt: null }],
      groups: 0,
      notices: [] as string[],
    },
    {
      label: "a first failure is counted, noticed and redelivered",
      batch: [outcome(1, 0, TIMEOUT)],
      flags: flags(),
      events: [{ seq: 1, status: "retrying", nextAttemptAt: NOW + 1_000 }],
      groups: 1,
      notices: ["error"],
    },
    {
      label: "the last try's failure also says redelivery stopped",
      batch: [outcome(1, 3, TIMEOUT)],
      flags: flags(),
      events: [{ seq: 1, status: "failed", nextAttemptAt: null }],
      groups: 1,
      notices: ["error", "redelivery_stopped"],
    },
    {
      label: "redelivery switched off mid-schedule: failed, no redelivery-stopped notice",
      batch: [outcome(1, 1, TIMEOUT)],
      flags: flags({ webhookRedelivery: false }),
      events: [{ seq: 1, status: "failed", nextAttemptAt: null }],
      groups: 1,
      notices: ["error"],
    },
    {
      label: "aggregation off: redelivered and noticed, but no error rows",
      batch: [outcome(1, 0, TIMEOUT)],
      flags: flags({ errorStatisticsAggregation: false }),
      events: [{ seq: 1, status: "retrying", nextAttemptAt: NOW + 1_000 }],
      groups: 0,
      notices: ["error"],
    },
    {
      label: "notification off: no notices, even at the schedule's end",
      batch: [outcome(1, 3, TIMEOUT)],
      flags: flags({ errorNotification: false }),
      events: [{ seq: 1, status: "failed", nextAttemptAt: null }],
      groups: 1,
      notices: [],
    },
    {
      label: "a first send refused by the URL policy: failed, no redelivery, counted and noticed nowhere",
      batch: [refused(1, 0)],
      flags: flags(),
      events: [{ seq: 1, status: "failed", nextAttemptAt: null }],
      groups: 0,
      notices: [],
    },
    {
      label: "a redelivery refused by the URL policy at the schedule's end: no redelivery-stopped notice",
      batch: [refused(1, 3)],
      flags: flags(),
      events: [{ seq: 1, status: "failed", nextAttemptAt: null }],
      groups: 0,
      notices: [],
    },
    {
      label: "a refusal beside a failure: only the failure is counted and noticed",
      batch: [refused(1, 0), outcome(2, 0, TIMEOUT)],
      flags: flags(),
      events: [
        { seq: 1, status: "failed", nextAttemptAt: null },
        { seq: 2, status: "retrying", nextAttemptAt: NOW + 1_000 },
      ],
      groups: 1,
      notices: ["error"],
    },
    {
      label: "a channel that is gone: failed, counted nowhere",
      batch: [outcome(1, 0, TIMEOUT, "1999999999")],
      flags: flags(),
      events: [{ seq: 1, status: "failed", nextAttemptAt: null }],
      groups: 0,
      notices: [],
    },
  ])("$label", ({ batch, flags, events, groups, notices }) => {
    const plan = planOutcomes(batch, flags, SCHEDULE, NOW);
    expect(plan.attempts).toEqual(batch.map((o) => o.attempt));
    expect(plan.events).toEqual(events);
    expect(plan.errorGroups).toHaveLength(groups);
    expect(plan.notices.map((n) => n.kind)).toEqual(notices);
    expect(plan.now).toBe(NOW);
  });

  test("failures of one (reason, detail) in one minute make one row; another reason another", () => {
    const batch = [outcome(1, 0, TIMEOUT, undefined, NOW - 30_000), outcome(2, 0, TIMEOUT, undefined, NOW - 20_000), outcome(3, 0, STATUS_500)];
    const plan = planOutcomes(batch, flags(), SCHEDULE, NOW);
    expect(plan.errorGroups.map((g) => [g.reason, g.detail, g.count, g.firstAt, g.lastAt])).toEqual([
      ["error_status_code", "500", 1, NOW - 10, NOW - 10],
      ["request_timeout", "Request timeout", 2, NOW - 30_000, NOW - 20_000],
    ]);
    expect(plan.errorHours.map((h) => [h.reason, h.count])).toEqual([
      ["error_status_code", 1],
      ["request_timeout", 2],
    ]);
    expect(plan.notices.map((n) => [n.kind, n.reason, n.count])).toEqual([
      ["error", "error_status_code", 1],
      ["error", "request_timeout", 2],
    ]);
  });

  test("every status a plan writes is one the lifecycle allows an outcome to write", () => {
    const batch = [outcome(1, 0, null), outcome(2, 0, TIMEOUT), outcome(3, 3, TIMEOUT), refused(4, 0)];
    const plan = planOutcomes(batch, flags(), SCHEDULE, NOW);
    expect(plan.events.map((e) => e.status)).toEqual(["delivered", "retrying", "failed", "failed"]);
    for (const e of plan.events) {
      expect(canTransition("outcome", EventStatus.pending, e.status)).toBe(true);
      expect(canTransition("outcome", EventStatus.sending, e.status)).toBe(true);
    }
  });
});

describe("a refused send's attempt-log row", () => {
  test("is a failure with no reason of LINE's, its detail the refusal", () => {
    const { attempt } = refused(1, 0);
    const row = Object.fromEntries(ATTEMPT_COLUMNS.map((c) => [c.name, c.value(attempt)]));
    expect(row).toMatchObject({ success: false, reason: null, detail: REFUSAL });
  });

  test("leaves other rows as they were", () => {
    const row = (o: EventOutcome) => Object.fromEntries(ATTEMPT_COLUMNS.map((c) => [c.name, c.value(o.attempt)]));
    expect(row(outcome(1, 0, null))).toMatchObject({ success: true, reason: null, detail: null });
    expect(row(outcome(2, 0, TIMEOUT))).toMatchObject({ success: false, reason: "request_timeout", detail: "Request timeout" });
  });
});

describe("the event lifecycle", () => {
  const allowed: [string, Parameters<typeof canTransition>[0], Status | null, Status][] = [
    ["an accepted event waits", "accept", null, "pending"],
    ["an event accepted while Use webhook is off is skipped", "accept", null, "skipped"],
    ["a due redelivery is leased", "lease", "retrying", "sending"],
    ["a lease that ran out is taken over", "lease", "sending", "sending"],
    ["a dispatcher gives back an event sent before", "release", "sending", "retrying"],
    ["turning redelivery off cancels a scheduled try", "stopRedelivery", "retrying", "failed"],
    ["an Admin redelivers a failed event", "redeliverNow", "failed", "retrying"],
    ["turning Use webhook off skips a scheduled try", "skip", "retrying", "skipped"],
  ];
  test.each(allowed)("%s", (_label, transition, from, to) => {
    expect(canTransition(transition, from, to)).toBe(true);
  });

  const refused: [string, Parameters<typeof canTransition>[0], Status | null, Status][] = [
    ["a delivered event is never redelivered by hand", "redeliverNow", "delivered", "retrying"],
    ["a skipped event is never redelivered by hand", "redeliverNow", "skipped", "retrying"],
    ["a delivered event is never leased again", "lease", "delivered", "sending"],
    ["an event in flight is not skipped under its sender", "skip", "sending", "skipped"],
    ["turning redelivery off leaves failed events failed", "stopRedelivery", "failed", "failed"],
    ["nothing is accepted as delivered", "accept", null, "delivered"],
  ];
  test.each(refused)("%s", (_label, transition, from, to) => {
    expect(canTransition(transition, from, to)).toBe(false);
  });

  test("every status is reached by some transition", () => {
    for (const status of EVENT_STATUSES) {
      const reachable = EVENT_STATUSES.some((from) =>
        (["accept", "lease", "release", "outcome", "skip", "stopRedelivery", "redeliverNow"] as const).some(
          (t) => canTransition(t, from, status) || canTransition(t, null, status),
        ),
      );
      expect(reachable, status).toBe(true);
    }
  });
});
