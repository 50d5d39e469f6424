import { describe, expect, test } from "vitest";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhook/payload";
import {
  deliveryLogSearch,
  EVENT_TYPES,
  matchesPayload,
  NO_FILTER,
  parseDeliveryLogSearch,
  parsePayloadFilter,
  sendsBehindErrors,
} from "@/lib/console/delivery-log-search";

const T = (utc9: string) => Date.parse(`${utc9}+09:00`);
const USER = `U${"a".repeat(32)}`;
const GROUP = `C${"b".repeat(32)}`;

describe("the Delivery log's URL", () => {
  test("the type filter offers every event type the console sends", () => {
    expect(WEBHOOK_EVENT_TYPES.filter((type) => !(EVENT_TYPES as readonly string[]).includes(type))).toEqual([]);
  });

  test("every filter reads back from the link it writes", () => {
    const search = {
      webhookEventId: "01JD8X5E9Q3M4V0R6T2Y7W1ZAB",
      type: "message",
      source: USER,
      outcome: "failure",
      reason: "error_status_code",
      detail: "500",
      status: "500",
      kind: "event",
      send: "redelivery",
      from: "2026-11-23T10:00:00",
      to: "2026-11-23T11:30:15",
      payload: "events.0.message.text:hello: world",
      before: "1234",
    };
    const parsed = parseDeliveryLogSearch(search);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.query).toEqual({
      filter: {
        webhookEventId: "01JD8X5E9Q3M4V0R6T2Y7W1ZAB",
        eventType: "message",
        source: USER,
        outcome: "failure",
        reason: "error_status_code",
        detail: "500",
        statusCode: 500,
        kind: "event",
        send: "redelivery",
        from: T("2026-11-23T10:00:00"),
        to: T("2026-11-23T11:30:15"),
        payload: { path: ["events", "0", "message", "text"], value: "hello: world" },
      },
      page: { direction: "older", id: 1234 },
    });
    const again = parseDeliveryLogSearch(new URLSearchParams(deliveryLogSearch(parsed.query.filter, parsed.query.page)));
    expect(again).toEqual(parsed);
  });

  test("no filter is no search string; blanks (a form's All) count as unset", () => {
    expect(deliveryLogSearch(NO_FILTER)).toBe("");
    expect(parseDeliveryLogSearch({ type: "", reason: " ", after: "" })).toEqual({ ok: true, query: { filter: NO_FILTER, page: null }, problems: [] });
  });

  test.each<[Record<string, string | string[]>, RegExp]>([
    [{ type: "mesage" }, /"mesage" is not an event type\. The types are message, messageEdited, unsend/],
    [{ source: "U123" }, /"U123" is not a user, group or room ID/],
    [{ webhookEventId: "01J D8" }, /is not a webhook event ID/],
    [{ outcome: "ok" }, /The outcome must be "success" or "failure"/],
    [{ reason: "timeout" }, /"timeout" is not a reason/],
    [{ detail: "Something" }, /"Something" is not a detail of any reason/],
    [{ reason: "request_timeout", detail: "500" }, /The detail "500" belongs to error_status_code, not to request_timeout/],
    [{ outcome: "success", reason: "request_timeout" }, /A successful send has no reason or detail/],
    [{ status: "42" }, /The status code "42" is not an HTTP status code/],
    [{ kind: "webhook" }, /The kind must be "event"/],
    [{ send: "second" }, /The send must be "first" or "redelivery"/],
    [{ from: "2026-02-30T00:00" }, /The start "2026-02-30T00:00" is not a date and time/],
    [{ from: "0099-01-01T00:00" }, /from 1970 on/],
    [{ from: "2026-11-23T10:00", to: "2026-11-23T09:00" }, /The end of the time range must be after its start/],
    [{ payload: "hello" }, /needs the form path:value/],
    [{ payload: "events[0].text:x" }, /is not a path/],
    [{ type: ["message", "follow"] }, /"type" is given more than once/],
  ])("%j is refused with a clear message and no page at all", (search, message) => {
    const parsed = parseDeliveryLogSearch(search);
    expect(parsed.ok).toBe(false);
    expect(parsed.query).toBeNull();
    expect(parsed.problems.join(" ")).toMatch(message);
  });

  test("a page that names no request keeps the filters and shows the newest sends", () => {
    for (const before of ["0", "99999999999999999999", "12a"]) {
      const parsed = parseDeliveryLogSearch({ kind: "verify", before });
      expect(parsed).toEqual({
        ok: false,
        query: { filter: { ...NO_FILTER, kind: "verify" }, page: null },
        problems: ["This link's page of requests does not exist, so the newest requests are shown."],
      });
    }
    expect(parseDeliveryLogSearch({ before: "5", after: "6" }).problems).toEqual(['A page of requests is either "before" or "after" a request, not both.']);
    expect(parseDeliveryLogSearch({ after: "6" })).toMatchObject({ ok: true, query: { page: { direction: "newer", id: 6 } } });
  });

  test("a Webhook errors row links to its reason and detail, over the time its sends could have started", () => {
    const search = sendsBehindErrors({ reason: "request_timeout", detail: "Request timeout" }, T("2026-11-23T03:10:05.250"), T("2026-11-23T03:10:29.999"));
    expect(Object.fromEntries(new URLSearchParams(search))).toEqual({
      outcome: "failure",
      reason: "request_timeout",
      detail: "Request timeout",
      kind: "event",
      // Detected from 03:10:05.250: a send of at most three seconds started from 03:10:02.
      from: "2026-11-23T03:10:02",
      to: "2026-11-23T03:10:30",
    });
  });
});

describe("the payload filter", () => {
  const body = { destination: "Uxyz", events: [{ type: "message", message: { text: "hello", id: "42" }, timestamp: 1700000000000, source: { groupId: GROUP } }] };

  test("matches the value at a path: text as it is, numbers and booleans as written", () => {
    const match = (text: string) => {
      const filter = parsePayloadFilter(text);
      if (typeof filter === "string") throw new Error(filter);
      return matchesPayload(body, filter);
    };
    expect(match("events.0.message.text:hello")).toBe(true);
    expect(match("events.0.message.text:Hello")).toBe(false);
    expect(match("events.0.message.text:hell")).toBe(false);
    expect(match("events.0.timestamp:1700000000000")).toBe(true);
    expect(match(`events.0.source.groupId:${GROUP}`)).toBe(true);
    expect(match("events.1.message.text:hello")).toBe(false);
    expect(match("events.0.message:hello")).toBe(false);
    expect(match("events.0.constructor:x")).toBe(false);
    expect(matchesPayload(null, { path: ["events"], value: "x" })).toBe(false);
  });
});
