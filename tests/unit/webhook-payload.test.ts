import { decodeTime } from "ulid";
import { describe, expect, test } from "vitest";
import {
  asRedelivery,
  buildFollowEvent,
  buildPostbackEvent,
  buildTextMessageEvent,
  buildUnfollowEvent,
  buildWebhookBody,
  type WebhookEvent,
} from "@/lib/webhook/payload";
import { createLineSchemaCheck } from "../support/line-schemas";

const DESTINATION = "U8e742f61d673b39c7fff3cecb7536ef0";
const USER_ID = "U4af4980629c4e0b2e7f9a1d2b3c4d5e6";

// Made at import, not in a hook: the first run after an install generates the schema, which on
// a busy machine can outlast a hook's timeout.
const check = createLineSchemaCheck("webhook");

const timestamp = Date.UTC(2025, 0, 2, 3, 4, 5);
const message = buildTextMessageEvent({ userId: USER_ID, text: "Hello, world", timestamp });
const events: Record<WebhookEvent["type"], WebhookEvent> = {
  message,
  follow: buildFollowEvent({ userId: USER_ID, timestamp }),
  unfollow: buildUnfollowEvent({ userId: USER_ID, timestamp }),
  postback: buildPostbackEvent({ userId: USER_ID, data: "action=buy&itemid=111", params: { date: "2025-01-02" }, timestamp }),
};

describe("webhook events validate against @line/bot-sdk's webhook types", () => {
  test.each(Object.entries(events))("%s event", (_type, event) => {
    expect(check("Event", event)).toEqual([]);
  });

  test("the body with all four events", () => {
    const body = JSON.parse(buildWebhookBody(DESTINATION, Object.values(events))) as unknown;
    expect(check("CallbackRequest", body)).toEqual([]);
  });

  test("the body Verify sends: no events", () => {
    expect(check("CallbackRequest", JSON.parse(buildWebhookBody(DESTINATION, [])))).toEqual([]);
  });

  test("the validator is not vacuous: it rejects what LINE's schema forbids", () => {
    const { webhookEventId: _id, ...withoutId } = events.follow;
    expect(check("Event", withoutId)).not.toEqual([]);
    const { quoteToken: _q, ...textWithoutQuoteToken } = message.message;
    expect(check("Event", { ...message, message: textWithoutQuoteToken })).toContain(
      "TextMessageContent /message must have required property 'quoteToken'",
    );
    expect(check("Event", { ...events.unfollow, mode: "sleepy" })).not.toEqual([]);
    expect(check("Event", { ...events.unfollow, timestamp: timestamp + 0.5 })).not.toEqual([]);
    expect(check("CallbackRequest", { destination: "nobody", events: [] })).not.toEqual([]);
    // Stricter than LINE's schema, which leaves objects open: a field the SDK does not know fails.
    expect(check("Event", { ...events.follow, follow: { isUnblocked: false, isBlocked: true } })).not.toEqual([]);
  });
});

describe("event fields", () => {
  test("every event has LINE's common fields; reply tokens only where a reply is possible", () => {
    for (const event of Object.values(events)) {
      expect(event.mode).toBe("active");
      expect(event.timestamp).toBe(timestamp);
      expect(event.source).toEqual({ type: "user", userId: USER_ID });
      expect(event.deliveryContext).toEqual({ isRedelivery: false });
      expect(event.webhookEventId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      // The ULID's time part is the event's own time.
      expect(decodeTime(event.webhookEventId)).toBe(timestamp);
      if (event.type === "unfollow") expect(event).not.toHaveProperty("replyToken");
      else expect(event.replyToken).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  test("IDs and reply tokens are unique per event", () => {
    const many = Array.from({ length: 50 }, () => buildTextMessageEvent({ userId: USER_ID, text: "hi", timestamp }));
    expect(new Set(many.map((e) => e.webhookEventId)).size).toBe(50);
    expect(new Set(many.map((e) => e.replyToken)).size).toBe(50);
    expect(new Set(many.map((e) => e.message.id)).size).toBe(50);
  });

  test("a redelivery is the same event with isRedelivery true, and the original is untouched", () => {
    const original = message;
    const again = asRedelivery(original);
    expect(again).toEqual({ ...original, deliveryContext: { isRedelivery: true } });
    expect(original.deliveryContext.isRedelivery).toBe(false);
    expect(check("Event", again)).toEqual([]);
  });

  test("the body is compact JSON with the destination first", () => {
    const body = buildWebhookBody(DESTINATION, [events.unfollow]);
    expect(body.startsWith(`{"destination":"${DESTINATION}","events":[{"type":"unfollow"`)).toBe(true);
    expect(body).toBe(JSON.stringify(JSON.parse(body)));
    expect(body).not.toMatch(/\n|": /);
  });
});
