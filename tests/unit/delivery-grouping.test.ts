import { describe, expect, test } from "vitest";
import { ATTEMPT_COLUMNS, attemptValues } from "@/lib/delivery/attempt-columns";
import { claimInOrder, type ClaimSteps, type LeaseKinds } from "@/lib/delivery/claim-order";
import { claimedEvent } from "../support/claimed";
import {
  closedGroupsOpenedBy,
  groupNotices,
  joinableAfter,
  joinsGroup,
  openedGroupSpan,
} from "@/lib/notify/notice-groups";
import { groupErrors, rowKey, rowsCreatedIn } from "@/lib/statistics/error-groups";
import type { Failure } from "@/lib/webhook/reasons";

const TIMEOUT: Failure = { reason: "request_timeout", detail: "Request timeout" };
const HOUR = Date.UTC(2026, 10, 30, 15, 0, 0);
const CHANNEL = "1000000001";

describe("the 60-second error rows", () => {
  test.each([
    { label: "the last millisecond of a minute and the next minute's first are two rows", at: [HOUR + 59_999, HOUR + 60_000], rows: 2 },
    { label: "a minute's first and last millisecond are one row", at: [HOUR, HOUR + 59_999], rows: 1 },
    { label: "a minute apart exactly is two rows", at: [HOUR + 30_000, HOUR + 90_000], rows: 2 },
  ])("$label", ({ at, rows }) => {
    const { groups } = groupErrors(at.map((detectedAt) => ({ channelId: CHANNEL, failure: TIMEOUT, detectedAt })));
    expect(groups).toHaveLength(rows);
    for (const g of groups) expect(g.windowStart % 60_000).toBe(0);
  });

  test("a row's Start and End are its first and last detection, whatever the batch's order", () => {
    const at = [HOUR + 40_000, HOUR + 10_000, HOUR + 55_000, HOUR + 20_000];
    const [row] = groupErrors(at.map((detectedAt) => ({ channelId: CHANNEL, failure: TIMEOUT, detectedAt }))).groups;
    expect(row).toMatchObject({ windowStart: HOUR, firstAt: HOUR + 10_000, lastAt: HOUR + 55_000, count: 4 });
  });

  test.each([
    { label: "rows either side of an hour go into two hours", at: [HOUR - 1, HOUR], hours: [1, 1] },
    { label: "rows of one hour go into one sum that lists each row", at: [HOUR, HOUR + 60_000, HOUR + 3_599_999], hours: [3] },
  ])("$label", ({ at, hours }) => {
    const { groups, hours: sums } = groupErrors(at.map((detectedAt) => ({ channelId: CHANNEL, failure: TIMEOUT, detectedAt })));
    expect(sums.map((h) => h.count)).toEqual(hours);
    expect(sums.flatMap((h) => h.windowStarts)).toEqual(groups.map((g) => g.windowStart));
    for (const h of sums) expect(h.hourStart % 3_600_000).toBe(0);
  });

  test("an hour counts as new rows only the rows the batch created", () => {
    const { hours } = groupErrors([HOUR, HOUR + 60_000, HOUR + 120_000].map((detectedAt) => ({ channelId: CHANNEL, failure: TIMEOUT, detectedAt })));
    const created = new Set([rowKey(CHANNEL, HOUR + 60_000, TIMEOUT.reason, TIMEOUT.detail)]);
    expect(rowsCreatedIn(hours[0]!, created)).toBe(1);
  });

  test("rows come sorted by channel, start, reason and detail, so writers lock them in one order", () => {
    const status500: Failure = { reason: "error_status_code", detail: "500" };
    const failures = [
      { channelId: "1000000002", failure: TIMEOUT, detectedAt: HOUR },
      { channelId: CHANNEL, failure: status500, detectedAt: HOUR + 60_000 },
      { channelId: CHANNEL, failure: TIMEOUT, detectedAt: HOUR + 60_000 },
      { channelId: CHANNEL, failure: TIMEOUT, detectedAt: HOUR },
    ];
    const { groups } = groupErrors(failures);
    expect(groups.map((g) => [g.channelId, g.windowStart - HOUR, g.reason])).toEqual([
      [CHANNEL, 0, "request_timeout"],
      [CHANNEL, 60_000, "error_status_code"],
      [CHANNEL, 60_000, "request_timeout"],
      ["1000000002", 0, "request_timeout"],
    ]);
  });
});

describe("the 5-minute notification groups", () => {
  const opened = HOUR;
  test.each([
    { label: "a failure at the group's opening joins it", at: opened, joins: true },
    { label: "4:59.999 after the first failure still joins", at: opened + 299_999, joins: true },
    { label: "5:00.000 after the first failure opens a new group", at: opened + 300_000, joins: false },
    { label: "much later opens a new group", at: opened + 3_600_000, joins: false },
  ])("$label", ({ at, joins }) => {
    expect(joinsGroup(opened, at)).toBe(joins);
    // The bound the stores' SQL uses says the same.
    expect(opened > joinableAfter(at)).toBe(joins);
    // A group is closed, and its email due, exactly when a failure would no longer join it.
    expect(opened <= closedGroupsOpenedBy(at)).toBe(!joins);
  });

  test("a batch's notices are summed per (channel, kind, reason, detail)", () => {
    const notices = groupNotices([
      { channelId: CHANNEL, kind: "error", failure: TIMEOUT, detectedAt: HOUR + 5 },
      { channelId: CHANNEL, kind: "error", failure: TIMEOUT, detectedAt: HOUR + 1 },
      { channelId: CHANNEL, kind: "redelivery_stopped", failure: TIMEOUT, detectedAt: HOUR + 5 },
    ]);
    expect(notices.map((n) => [n.kind, n.count, n.firstAt, n.lastAt])).toEqual([
      ["error", 2, HOUR + 1, HOUR + 5],
      ["redelivery_stopped", 1, HOUR + 5, HOUR + 5],
    ]);
  });

  test("a group opened by a batch is alive until the batch's write, if that is later", () => {
    const [notice] = groupNotices([{ channelId: CHANNEL, kind: "error", failure: TIMEOUT, detectedAt: HOUR }]);
    expect(openedGroupSpan(notice!, HOUR + 50)).toEqual({ openedAt: HOUR, lastAt: HOUR + 50 });
    expect(openedGroupSpan(notice!, HOUR - 50)).toEqual({ openedAt: HOUR, lastAt: HOUR });
  });
});

describe("the attempt log's columns", () => {
  test("values come in the columns' order, booleans and times written the store's way", () => {
    const values = attemptValues({ boolean: (b) => (b ? "yes" : "no"), time: (ms) => `t${ms}` })({
      channelId: CHANNEL,
      webhookEventId: null,
      kind: "verify",
      isRedelivery: false,
      url: "https://bot.example.com/",
      startedAt: 5,
      durationMs: 12.5,
      statusCode: 500,
      failure: { reason: "error_status_code", detail: "500" },
      requestExcerpt: "{}",
    });
    const byName = Object.fromEntries(ATTEMPT_COLUMNS.map((c, i) => [c.name, values[i]]));
    expect(byName).toEqual({
      channelId: CHANNEL,
      webhookEventId: null,
      kind: "verify",
      isRedelivery: "no",
      url: "https://bot.example.com/",
      startedAt: "t5",
      durationMs: 12.5,
      dnsMs: null,
      connectMs: null,
      tlsMs: null,
      firstByteMs: null,
      httpVersion: null,
      success: "no",
      statusCode: 500,
      reason: "error_status_code",
      detail: "500",
      requestExcerpt: "{}",
      responseExcerpt: null,
      eventType: null,
      requestHeaders: null,
      responseHeaders: null,
      responseBytes: null,
      remoteAddress: null,
      isEdited: "no",
      sourceUserId: null,
      sourceGroupId: null,
    });
  });
});

describe("the claim order", () => {
  /** A channel's events in memory, leased and read the way a store's statements do. */
  function channelSteps(events: { expired: number[]; fresh: number[]; due: number[] }, cheapReads = true) {
    const leases: LeaseKinds[] = [];
    const ev = (seq: number) => claimedEvent(seq);
    const steps: ClaimSteps = {
      lease: async (limit, kinds) => {
        leases.push(kinds);
        const picked = [
          ...(kinds.expired ? events.expired : []),
          ...(kinds.fresh ? events.fresh : []),
          ...(kinds.due ? events.due : []),
        ].slice(0, limit);
        // Returned unsorted, as RETURNING may.
        return picked.reverse().map(ev);
      },
      readFresh: async (after, limit) => events.fresh.filter((s) => s > after).slice(0, limit).map(ev),
      ...(cheapReads
        ? { mayHaveExpired: async () => events.expired.length > 0, mayHaveDue: async () => events.due.length > 0 }
        : {}),
    };
    return { steps, leases };
  }

  test.each([
    {
      label: "without a cursor one lease takes all three kinds, in seq order",
      events: { expired: [3], fresh: [5, 6], due: [1] },
      limit: 10,
      after: undefined,
      seqs: [1, 3, 5, 6],
      leases: 1,
    },
    {
      label: "with a cursor: expired, then fresh past the cursor, then due",
      events: { expired: [9], fresh: [5, 6, 7], due: [2] },
      limit: 10,
      after: 5,
      seqs: [9, 6, 7, 2],
      leases: 2,
    },
    {
      label: "the limit leaves due redeliveries out before fresh events",
      events: { expired: [9], fresh: [5, 6, 7], due: [2] },
      limit: 3,
      after: 0,
      seqs: [9, 5, 6],
      leases: 1,
    },
    {
      label: "nothing expired and nothing due: no lease at all, only the read",
      events: { expired: [], fresh: [5, 6], due: [] },
      limit: 10,
      after: 0,
      seqs: [5, 6],
      leases: 0,
    },
  ])("$label", async ({ events, limit, after, seqs, leases }) => {
    const { steps, leases: made } = channelSteps(events);
    const claimed = await claimInOrder(steps, limit, { after });
    expect(claimed.map((e) => e.seq)).toEqual(seqs);
    expect(made).toHaveLength(leases);
    const freshSeqs = claimed.filter((e) => e.fresh).map((e) => e.seq);
    expect(freshSeqs).toEqual(after === undefined ? [] : events.fresh.filter((s) => s > after && seqs.includes(s)));
  });

  test("a store without cheap reads leases expired and due events on every claim", async () => {
    const { steps, leases } = channelSteps({ expired: [], fresh: [5], due: [] }, false);
    await claimInOrder(steps, 10, { after: 0 });
    expect(leases).toEqual([
      { expired: true, fresh: false, due: false },
      { expired: false, fresh: false, due: true },
    ]);
  });

  test("a claim that may not reclaim expired leases leaves them", async () => {
    const { steps } = channelSteps({ expired: [9], fresh: [5], due: [] });
    const claimed = await claimInOrder(steps, 10, { after: 0, reclaimExpired: false });
    expect(claimed.map((e) => e.seq)).toEqual([5]);
  });
});
