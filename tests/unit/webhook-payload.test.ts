import { decodeTime } from "ulid";
import { describe, expect, test } from "vitest";
import {
  asRedelivery,
  buildAccountLinkEvent,
  buildBeaconEvent,
  buildFollowEvent,
  buildJoinEvent,
  buildLeaveEvent,
  buildMediaMessageEvent,
  buildMemberJoinedEvent,
  buildMemberLeftEvent,
  buildMessageEditedEvent,
  buildPostbackEvent,
  buildTextMessageEvent,
  buildUnfollowEvent,
  buildUnsendEvent,
  buildVideoPlayCompleteEvent,
  buildWebhookBody,
  type GroupSource,
  type RoomSource,
  type Source,
  type WebhookEvent,
} from "@/lib/webhook/payload";
import { replyTokenFor } from "@/lib/webhook/reply-tokens";
import { createLineSchemaCheck } from "../support/line-schemas";

const DESTINATION = "U8e742f61d673b39c7fff3cecb7536ef0";
const USER_ID = "U4af4980629c4e0b2e7f9a1d2b3c4d5e6";
const OTHER_ID = "U0123456789abcdef0123456789abcdef";
const GROUP: GroupSource = { type: "group", groupId: "C4af4980629c4e0b2e7f9a1d2b3c4d5e6" };
const ROOM: RoomSource = { type: "room", roomId: "R4af4980629c4e0b2e7f9a1d2b3c4d5e6" };
const SOURCES: Record<Source["type"], Source> = {
  user: { type: "user", userId: USER_ID },
  group: { ...GROUP, userId: USER_ID },
  room: { ...ROOM, userId: USER_ID },
};

// Made at import, not in a hook: the first run after an install generates the schema, which on
// a busy machine can outlast a hook's timeout.
const check = createLineSchemaCheck("webhook");

const timestamp = Date.UTC(2025, 0, 2, 3, 4, 5);
const message = buildTextMessageEvent({ userId: USER_ID, text: "Hello, world", timestamp });

/** Every event a chat of this kind can produce, named for the test table. */
function eventsFrom(source: Source): Array<[string, WebhookEvent]> {
  const at = { source, timestamp };
  const events: Array<[string, WebhookEvent]> = [
    ["text", buildTextMessageEvent({ ...at, text: "Hello, world" })],
    [
      "text with emojis and mentions",
      buildTextMessageEvent({
        ...at,
        text: "@Bob @All hi (love)",
        emojis: [{ index: 13, length: 6, productId: "5ac1bfd5040ab15980c9b435", emojiId: "001" }],
        mention: {
          mentionees: [
            { type: "user", index: 0, length: 4, userId: OTHER_ID, isSelf: false },
            { type: "all", index: 5, length: 4 },
          ],
        },
        quotedMessageId: "468789577898262530",
      }),
    ],
    ["text in standby mode", buildTextMessageEvent({ ...at, text: "not for me", mode: "standby" })],
    ["image", buildMediaMessageEvent({ ...at, media: { type: "image" } })],
    ["video", buildMediaMessageEvent({ ...at, media: { type: "video", duration: 60_000 } })],
    ["audio", buildMediaMessageEvent({ ...at, media: { type: "audio", duration: 12_345 } })],
    ["file", buildMediaMessageEvent({ ...at, media: { type: "file", fileName: "report.pdf", fileSize: 2048 } })],
    [
      "location",
      buildMediaMessageEvent({
        ...at,
        media: { type: "location", title: "Tokyo Tower", address: "4-2-8 Shibakoen", latitude: 35.6586, longitude: 139.7454 },
      }),
    ],
    [
      "sticker",
      buildMediaMessageEvent({
        ...at,
        media: { type: "sticker", packageId: "446", stickerId: "1988", stickerResourceType: "ANIMATION", keywords: ["hi"] },
      }),
    ],
    ["postback", buildPostbackEvent({ ...at, data: "action=buy&itemid=111" })],
    ["postback with a date", buildPostbackEvent({ ...at, data: "pick=date", params: { date: "2025-01-02" } })],
    ["postback with a time", buildPostbackEvent({ ...at, data: "pick=time", params: { time: "10:00" } })],
    ["postback with a datetime", buildPostbackEvent({ ...at, data: "pick=dt", params: { datetime: "2025-01-02T10:00" } })],
    [
      "postback from a rich menu switch",
      buildPostbackEvent({ ...at, data: "menu=b", params: { newRichMenuAliasId: "richmenu-b", status: "SUCCESS" } }),
    ],
    ["postback in standby mode", buildPostbackEvent({ ...at, data: "x=1", mode: "standby" })],
    ["unsend", buildUnsendEvent({ ...at, messageId: "325708" })],
    ["videoPlayComplete", buildVideoPlayCompleteEvent({ ...at, trackingId: "track-1" })],
  ];
  if (source.type === "user") {
    events.push(
      ["follow", buildFollowEvent({ ...at })],
      ["follow after unblocking", buildFollowEvent({ ...at, isUnblocked: true })],
      ["unfollow", buildUnfollowEvent({ ...at })],
      ["beacon", buildBeaconEvent({ ...at, hwid: "d41d8cd98f", beaconType: "enter", dm: "1234" })],
      ["accountLink", buildAccountLinkEvent({ ...at, result: "ok", nonce: "xxxxxxxxxxxxxxx" })],
      ["accountLink failed", buildAccountLinkEvent({ ...at, result: "failed", nonce: "xxxxxxxxxxxxxxx" })],
    );
  } else {
    const chat = source.type === "group" ? GROUP : ROOM;
    events.push(
      ["join", buildJoinEvent({ source: chat, timestamp })],
      ["leave", buildLeaveEvent({ source: chat, timestamp })],
      ["memberJoined", buildMemberJoinedEvent({ source: chat, timestamp, userIds: [USER_ID, OTHER_ID] })],
      ["memberLeft", buildMemberLeftEvent({ source: chat, timestamp, userIds: [OTHER_ID] })],
    );
  }
  return events;
}

const table = Object.values(SOURCES).flatMap((source) =>
  eventsFrom(source).map(([name, event]) => [`${name} from a ${source.type}`, event] as const),
);

const original = buildTextMessageEvent({ source: SOURCES.group, text: "see you at 7", timestamp });
const edited = buildMessageEditedEvent({
  source: { ...GROUP, userId: USER_ID },
  messageId: original.message.id,
  text: "see you at 8",
  timestamp: timestamp + 60_000,
});

describe("webhook events validate against @line/bot-sdk's webhook types", () => {
  test.each(table)("%s", (_name, event) => {
    expect(check("Event", event)).toEqual([]);
  });

  test("the body with an event of every kind", () => {
    const body = JSON.parse(buildWebhookBody(DESTINATION, table.map(([, event]) => event))) as unknown;
    expect(check("CallbackRequest", body)).toEqual([]);
  });

  test("the body Verify sends: no events", () => {
    expect(check("CallbackRequest", JSON.parse(buildWebhookBody(DESTINATION, [])))).toEqual([]);
  });

  test("the validator is not vacuous: it rejects what LINE's schema forbids", () => {
    const follow = buildFollowEvent({ userId: USER_ID, timestamp });
    const unfollow = buildUnfollowEvent({ userId: USER_ID, timestamp });
    const { webhookEventId: _id, ...withoutId } = follow;
    expect(check("Event", withoutId)).not.toEqual([]);
    const { quoteToken: _q, ...textWithoutQuoteToken } = message.message;
    expect(check("Event", { ...message, message: textWithoutQuoteToken })).toContain(
      "TextMessageContent /message must have required property 'quoteToken'",
    );
    expect(check("Event", { ...unfollow, mode: "sleepy" })).not.toEqual([]);
    expect(check("Event", { ...unfollow, timestamp: timestamp + 0.5 })).not.toEqual([]);
    expect(check("CallbackRequest", { destination: "nobody", events: [] })).not.toEqual([]);
    // Stricter than LINE's schema, which leaves objects open: a field the SDK does not know fails.
    expect(check("Event", { ...follow, follow: { isUnblocked: false, isBlocked: true } })).not.toEqual([]);
    const { replyToken: _r, ...joinWithoutToken } = buildJoinEvent({ source: GROUP, timestamp });
    expect(check("Event", joinWithoutToken)).not.toEqual([]);
    const video = buildMediaMessageEvent({ userId: USER_ID, timestamp, media: { type: "video", duration: 1 } });
    expect(check("Event", { ...video, message: { ...video.message, duration: 1.5 } })).not.toEqual([]);
    const file = buildMediaMessageEvent({ userId: USER_ID, timestamp, media: { type: "file", fileName: "a", fileSize: 1 } });
    expect(check("Event", { ...file, message: { ...file.message, fileSize: "1" } })).not.toEqual([]);
    const sticker = buildMediaMessageEvent({
      userId: USER_ID,
      timestamp,
      media: { type: "sticker", packageId: "1", stickerId: "1", stickerResourceType: "STATIC" },
    });
    expect(check("Event", { ...sticker, message: { ...sticker.message, stickerResourceType: "MOVING" } })).not.toEqual([]);
    const mention = { mentionees: [{ type: "user", index: 0.5, length: 4 }] };
    expect(check("Event", { ...message, message: { ...message.message, mention } })).not.toEqual([]);
    const beacon = buildBeaconEvent({ userId: USER_ID, hwid: "d41d8cd98f", beaconType: "stay" });
    expect(check("Event", { ...beacon, beacon: { hwid: "d41d8cd98f", type: "leave" } })).not.toEqual([]);
    expect(check("Event", { ...buildJoinEvent({ source: GROUP }), source: { type: "group" } })).not.toEqual([]);
  });
});

describe("messageEdited, against the fields LINE documents", () => {
  test("a group text message's edit: same message ID, a new reply token and quote token", () => {
    expect(edited.type).toBe("messageEdited");
    expect(edited.source).toEqual({ type: "group", groupId: GROUP.groupId, userId: USER_ID });
    expect(edited.message.type).toBe("text");
    expect(edited.message.text).toBe("see you at 8");
    expect(edited.message.id).toBe(original.message.id);
    expect(edited.message.quoteToken).not.toBe(original.message.quoteToken);
    expect(edited.replyToken).toBe(replyTokenFor(edited.webhookEventId));
    expect(edited.replyToken).not.toBe(original.replyToken);
    expect(edited.message).not.toHaveProperty("markAsReadToken");
  });

  test("every other field is a message event's: it validates as one once its type is message", () => {
    expect(check("Event", { ...edited, type: "message" })).toEqual([]);
    expect(Object.keys(edited).sort()).toEqual(
      ["deliveryContext", "message", "mode", "replyToken", "source", "timestamp", "type", "webhookEventId"].sort(),
    );
  });
});

describe("event fields", () => {
  const withoutToken = new Set(["unfollow", "leave", "memberLeft", "unsend"]);

  test("every event has LINE's common fields; reply tokens only where a reply is possible", () => {
    for (const [name, event] of table) {
      expect(event.mode, name).toBe(name.includes("standby") ? "standby" : "active");
      expect(event.timestamp).toBe(timestamp);
      expect(event.deliveryContext).toEqual({ isRedelivery: false });
      expect(event.webhookEventId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      // The ULID's time part is the event's own time.
      expect(decodeTime(event.webhookEventId)).toBe(timestamp);
      const hasNoToken = withoutToken.has(event.type) || event.mode === "standby" || name.startsWith("accountLink failed");
      if (hasNoToken) expect(event, name).not.toHaveProperty("replyToken");
      else expect("replyToken" in event && event.replyToken, name).toBe(replyTokenFor(event.webhookEventId));
    }
  });

  test("a user's events come from the user; a group's or room's name the chat and, for what a member did, the member", () => {
    for (const [name, event] of table) {
      const chatOnly = ["join", "leave", "memberJoined", "memberLeft"].includes(event.type);
      if (name.endsWith("from a user")) expect(event.source).toEqual(SOURCES.user);
      else if (name.endsWith("from a group")) expect(event.source).toEqual(chatOnly ? GROUP : SOURCES.group);
      else expect(event.source).toEqual(chatOnly ? ROOM : SOURCES.room);
    }
    const joined = buildMemberJoinedEvent({ source: GROUP, userIds: [USER_ID, OTHER_ID] });
    expect(joined.joined.members).toEqual([
      { type: "user", userId: USER_ID },
      { type: "user", userId: OTHER_ID },
    ]);
  });

  test("message contents: LINE's IDs, quote tokens where LINE sends them, content held by LINE", () => {
    const messages = table.flatMap(([, event]) => (event.type === "message" ? [event.message] : []));
    for (const content of messages) {
      expect(content.id).toMatch(/^[1-9][0-9]{17}$/);
      const quotable = ["text", "image", "video", "sticker"].includes(content.type);
      if (quotable) expect(content).toHaveProperty("quoteToken");
      else expect(content).not.toHaveProperty("quoteToken");
      if (["image", "video", "audio"].includes(content.type)) expect(content).toHaveProperty("contentProvider", { type: "line" });
    }
  });

  test("IDs and reply tokens are unique per event", () => {
    const many = Array.from({ length: 50 }, () => buildTextMessageEvent({ userId: USER_ID, text: "hi", timestamp }));
    expect(new Set(many.map((e) => e.webhookEventId)).size).toBe(50);
    expect(new Set(many.map((e) => e.replyToken)).size).toBe(50);
    expect(new Set(many.map((e) => e.message.id)).size).toBe(50);
  });

  test("a redelivery is the same event with isRedelivery true, and the original is untouched", () => {
    const again = asRedelivery(message);
    expect(again).toEqual({ ...message, deliveryContext: { isRedelivery: true } });
    expect(message.deliveryContext.isRedelivery).toBe(false);
    expect(check("Event", again)).toEqual([]);
  });

  test("the body is compact JSON with the destination first", () => {
    const body = buildWebhookBody(DESTINATION, [buildUnfollowEvent({ userId: USER_ID, timestamp })]);
    expect(body.startsWith(`{"destination":"${DESTINATION}","events":[{"type":"unfollow"`)).toBe(true);
    expect(body).toBe(JSON.stringify(JSON.parse(body)));
    expect(body).not.toMatch(/\n|": /);
  });
});
