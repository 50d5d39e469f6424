import { describe, expect, test } from "vitest";
import { buildEvent, eventBatchSchema, eventSpecSchema, type EventSpec } from "@/lib/delivery/ingest";
import { listProblems } from "@/lib/errors";
import { createLineSchemaCheck } from "../support/line-schemas";

const check = createLineSchemaCheck("webhook");
const USER = "U4af4980629c4e0b2e7f9a1d2b3c4d5e6";
const OTHER = "U0123456789abcdef0123456789abcdef";
const GROUP = "C4af4980629c4e0b2e7f9a1d2b3c4d5e6";
const ROOM = "R4af4980629c4e0b2e7f9a1d2b3c4d5e6";
const timestamp = Date.UTC(2025, 0, 2, 3, 4, 5);

// One spec of every kind the README documents, from each chat it can come from.
const SPECS: EventSpec[] = [
  { type: "message", userId: USER, text: "hello" },
  { type: "message", userId: USER, groupId: GROUP, text: "@Bob hi", mention: { mentionees: [{ type: "user", index: 0, length: 4, userId: OTHER }] } },
  { type: "message", userId: USER, roomId: ROOM, text: "hi (love)", emojis: [{ index: 3, length: 6, productId: "5ac1bfd5040ab15980c9b435", emojiId: "001" }] },
  { type: "message", userId: USER, text: "quiet", mode: "standby" },
  { type: "message", userId: USER, message: { type: "image" } },
  { type: "message", userId: USER, groupId: GROUP, message: { type: "video", duration: 3000 } },
  { type: "message", userId: USER, message: { type: "audio" } },
  { type: "message", userId: USER, message: { type: "file", fileName: "a.pdf", fileSize: 10 } },
  { type: "message", userId: USER, message: { type: "location", latitude: 35.65, longitude: 139.74, title: "Tower" } },
  { type: "message", userId: USER, roomId: ROOM, message: { type: "sticker", packageId: "446", stickerId: "1988" } },
  { type: "messageEdited", userId: USER, groupId: GROUP, messageId: "468789577898262530", text: "edited" },
  { type: "follow", userId: USER },
  { type: "follow", userId: USER, isUnblocked: true },
  { type: "unfollow", userId: USER },
  { type: "join", groupId: GROUP },
  { type: "leave", roomId: ROOM },
  { type: "memberJoined", groupId: GROUP, userIds: [USER, OTHER] },
  { type: "memberLeft", roomId: ROOM, userIds: [OTHER] },
  { type: "postback", userId: USER, data: "a=1" },
  { type: "postback", userId: USER, groupId: GROUP, data: "d", params: { date: "2025-12-31" } },
  { type: "postback", userId: USER, data: "t", params: { time: "23:59" } },
  { type: "postback", userId: USER, data: "dt", params: { datetime: "2025-12-31T00:00" } },
  { type: "postback", userId: USER, data: "m", params: { newRichMenuAliasId: "richmenu-b", status: "RICHMENU_NOTFOUND" } },
  { type: "unsend", userId: USER, groupId: GROUP, messageId: "468789577898262530" },
  { type: "videoPlayComplete", userId: USER, trackingId: "track-1" },
  { type: "beacon", userId: USER, hwid: "d41d8cd98f" },
  { type: "beacon", userId: USER, hwid: "d41d8cd98f", beaconType: "banner", dm: "00ff" },
  { type: "accountLink", userId: USER, nonce: "n0nce" },
  { type: "accountLink", userId: USER, result: "failed" },
];

describe("every documented spec is accepted and builds an event LINE's schema accepts", () => {
  test.each(SPECS.map((spec) => [JSON.stringify(spec), spec] as const))("%s", (_name, spec) => {
    const parsed = eventSpecSchema.parse(spec);
    const event = buildEvent(parsed, timestamp);
    expect(event.type).toBe(spec.type);
    // messageEdited is not in LINE's published schema yet; every other field is a message event's.
    const asLine = event.type === "messageEdited" ? { ...event, type: "message" } : event;
    expect(check("Event", asLine)).toEqual([]);
  });

  test("the spec's chat becomes the event's source; member events name the group alone", () => {
    const sources = SPECS.map((spec) => buildEvent(spec, timestamp).source);
    expect(sources[0]).toEqual({ type: "user", userId: USER });
    expect(sources[1]).toEqual({ type: "group", groupId: GROUP, userId: USER });
    expect(sources[2]).toEqual({ type: "room", roomId: ROOM, userId: USER });
    expect(buildEvent({ type: "join", groupId: GROUP }, timestamp).source).toEqual({ type: "group", groupId: GROUP });
    const joined = buildEvent({ type: "memberJoined", groupId: GROUP, userIds: [USER] }, timestamp);
    expect(joined).toMatchObject({ source: { type: "group", groupId: GROUP }, joined: { members: [{ type: "user", userId: USER }] } });
  });

  test("defaults: a 10-second video, a static sticker, an entering beacon, a linked account with a nonce", () => {
    const video = buildEvent({ type: "message", userId: USER, message: { type: "video" } }, timestamp);
    expect(video).toMatchObject({ message: { type: "video", duration: 10_000 } });
    const sticker = buildEvent({ type: "message", userId: USER, message: { type: "sticker", packageId: "1", stickerId: "2" } }, timestamp);
    expect(sticker).toMatchObject({ message: { stickerResourceType: "STATIC" } });
    expect(buildEvent({ type: "beacon", userId: USER, hwid: "d41d8cd98f" }, timestamp)).toMatchObject({ beacon: { type: "enter" } });
    const link = buildEvent({ type: "accountLink", userId: USER }, timestamp);
    expect(link).toMatchObject({ link: { result: "ok", nonce: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) } });
    expect(link).toHaveProperty("replyToken");
    expect(buildEvent({ type: "accountLink", userId: USER, result: "failed" }, timestamp)).not.toHaveProperty("replyToken");
  });
});

// Each bad spec, the property the 400 names, and a piece of its message.
const BAD: Array<[string, unknown, string, string]> = [
  ["an unknown type", { type: "poke", userId: USER }, "type", '"messageEdited"'],
  ["a message with neither text nor message", { type: "message", userId: USER }, "text", "text is required"],
  ["a message with both", { type: "message", userId: USER, text: "a", message: { type: "image" } }, "message", "not both"],
  ["text as a nested message", { type: "message", userId: USER, message: { type: "text", text: "a" } }, "message.type", "takes text instead"],
  ["a group and a room at once", { type: "message", userId: USER, groupId: GROUP, roomId: ROOM, text: "a" }, "roomId", "not both"],
  ["a malformed group ID", { type: "message", userId: USER, groupId: "G1", text: "a" }, "groupId", "C followed by 32"],
  ["a room ID as a group ID", { type: "join", groupId: ROOM }, "groupId", "C followed by 32"],
  ["a join without its chat", { type: "join" }, "groupId", "groupId or roomId is required"],
  ["a join by a user", { type: "join", groupId: GROUP, userId: USER }, "", "userId"],
  ["a follow from a group", { type: "follow", userId: USER, groupId: GROUP }, "", "groupId"],
  ["an edit outside a group", { type: "messageEdited", userId: USER, roomId: ROOM, messageId: "1", text: "a" }, "groupId", ""],
  ["an emoji past the text's end", { type: "message", userId: USER, text: "ab", emojis: [{ index: 1, length: 6, productId: "p", emojiId: "e" }] }, "emojis[0]", "within the text"],
  ["a mention past the text's end", { type: "message", userId: USER, text: "@a", mention: { mentionees: [{ type: "all", index: 0, length: 3 }] } }, "mention.mentionees[0]", "within the text"],
  ["a fractional emoji index", { type: "message", userId: USER, text: "abc", emojis: [{ index: 0.5, length: 1, productId: "p", emojiId: "e" }] }, "emojis[0].index", ""],
  ["a postback's free-form params", { type: "postback", userId: USER, data: "a", params: { color: "red" } }, "params", '{"datetime":"2025-01-31T23:59"}'],
  ["a date picker's impossible month", { type: "postback", userId: USER, data: "a", params: { date: "2025-13-01" } }, "params.date", "as 2025-01-31"],
  ["a rich menu switch's unknown status", { type: "postback", userId: USER, data: "a", params: { newRichMenuAliasId: "b", status: "OK" } }, "params", "params must be one of"],
  ["a member event with no members", { type: "memberJoined", groupId: GROUP, userIds: [] }, "userIds", ""],
  ["an unsend of no message", { type: "unsend", userId: USER, messageId: "abc" }, "messageId", "decimal digits"],
  ["a beacon's bad hardware ID", { type: "beacon", userId: USER, hwid: "xyz" }, "hwid", "10 lowercase hex"],
  ["an unknown beacon type", { type: "beacon", userId: USER, hwid: "d41d8cd98f", beaconType: "leave" }, "beaconType", '"enter", "banner" or "stay"'],
  ["a location off the globe", { type: "message", userId: USER, message: { type: "location", latitude: 91, longitude: 0 } }, "message.latitude", ""],
  ["an unknown mode", { type: "message", userId: USER, text: "a", mode: "sleepy" }, "mode", '"active" or "standby"'],
];

describe("bad specs get a 400 that names the property", () => {
  test.each(BAD)("%s", (_name, spec, property, words) => {
    const result = eventBatchSchema.safeParse({ events: [spec] });
    expect(result.success).toBe(false);
    const problems = result.success ? [] : listProblems(result.error);
    expect(problems[0].property).toBe(property ? `events[0].${property}` : "events[0]");
    expect(problems.map((p) => p.message).join(" ")).toContain(words);
  });
});
