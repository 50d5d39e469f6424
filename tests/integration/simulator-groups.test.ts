import { beforeAll, describe, expect, test } from "vitest";
import { createUser } from "@/lib/auth/users";
import type { ChannelAccess } from "@/lib/console/access";
import { createChannel } from "@/lib/console/channels";
import { createProvider } from "@/lib/console/providers";
import {
  createSimulatedGroup,
  createSimulatedUser,
  listRecentSimulatorEvents,
  listSimulatedGroups,
  sendSimulatedEvent,
  type SimulatedGroupView,
} from "@/lib/console/simulator";
import { db } from "@/lib/db";
import { InputError, NotFoundError } from "@/lib/errors";
import type { WebhookEvent } from "@/lib/webhook/payload";
import { accessOf } from "../support/access";
import { createLineSchemaCheck } from "../support/line-schemas";

const check = createLineSchemaCheck("webhook");

let access: ChannelAccess;
let otherAccess: ChannelAccess;
const users: Record<"alice" | "bob" | "carol" | "stranger", string> = { alice: "", bob: "", carol: "", stranger: "" };
let group: SimulatedGroupView;
let room: SimulatedGroupView;

beforeAll(async () => {
  const admin = (await createUser("groups-admin@example.com", "pw")).user.id;
  const provider = await createProvider(admin, "Groups");
  const channelId = (await createChannel(admin, provider.id, { name: "Group bot", description: "", email: "" })).id;
  const otherId = (await createChannel(admin, provider.id, { name: "Other bot", description: "", email: "" })).id;
  access = await accessOf(admin, channelId);
  otherAccess = await accessOf(admin, otherId);
  users.alice = (await createSimulatedUser(access, "Alice")).id;
  users.bob = (await createSimulatedUser(access, "Bob")).id;
  users.carol = (await createSimulatedUser(access, "Carol")).id;
  users.stranger = (await createSimulatedUser(otherAccess, "Stranger")).id;
  group = await createSimulatedGroup(access, { kind: "group", name: "Lunch", userIds: [users.alice, users.bob] });
  room = await createSimulatedGroup(access, { kind: "room", userIds: [users.alice, users.bob, users.carol] });
});

/** The event as it was stored for delivery: what the bot will receive. */
async function stored(webhookEventId: string): Promise<WebhookEvent> {
  const row = await db().webhookEvent.findUniqueOrThrow({ where: { webhookEventId }, select: { event: true } });
  return JSON.parse(row.event) as WebhookEvent;
}

async function send(spec: Record<string, unknown>): Promise<WebhookEvent> {
  const { webhookEventIds } = await sendSimulatedEvent(access, spec);
  return stored(webhookEventIds[0]);
}

describe("simulated groups and rooms", () => {
  test("are made of the channel's simulated users, with LINE's group and room IDs", async () => {
    expect(group).toEqual({ id: expect.stringMatching(/^C[0-9a-f]{32}$/), kind: "group", name: "Lunch", memberIds: [users.alice, users.bob] });
    expect(room).toMatchObject({ id: expect.stringMatching(/^R[0-9a-f]{32}$/), kind: "room", name: "" });
    expect(new Set(room.memberIds)).toEqual(new Set([users.alice, users.bob, users.carol]));
    const listed = await listSimulatedGroups(access);
    expect(listed.map((g) => g.id)).toEqual([group.id, room.id]);
    expect(await listSimulatedGroups(otherAccess)).toEqual([]);
  });

  test("refuse members from another channel, unnamed groups and rooms of fewer than two", async () => {
    await expect(createSimulatedGroup(access, { kind: "group", name: "X", userIds: [users.stranger] })).rejects.toThrow(NotFoundError);
    await expect(createSimulatedGroup(access, { kind: "group", name: " ", userIds: [users.alice] })).rejects.toThrow("Enter the group's name.");
    await expect(createSimulatedGroup(access, { kind: "group", name: "X", userIds: [] })).rejects.toThrow("at least one member");
    await expect(createSimulatedGroup(access, { kind: "room", userIds: [users.alice] })).rejects.toThrow("at least two members");
    await expect(createSimulatedGroup(access, { kind: "club", userIds: [users.alice] })).rejects.toThrow(InputError);
    expect(await listSimulatedGroups(access)).toHaveLength(2);
  });
});

describe("events from a group or room carry its real ID and its members' IDs", () => {
  test("a member's message in the group", async () => {
    const event = await send({ type: "message", userId: users.bob, groupId: group.id, text: "hi all" });
    expect(event.source).toEqual({ type: "group", groupId: group.id, userId: users.bob });
    expect(check("Event", event)).toEqual([]);
  });

  test("the bot joining and leaving a room names the room alone", async () => {
    const joined = await send({ type: "join", roomId: room.id });
    expect(joined.source).toEqual({ type: "room", roomId: room.id });
    expect(joined).toHaveProperty("replyToken");
    const left = await send({ type: "leave", roomId: room.id });
    expect(left).not.toHaveProperty("replyToken");
    expect([check("Event", joined), check("Event", left)]).toEqual([[], []]);
  });

  test("memberJoined and memberLeft change who is in the group", async () => {
    const joined = await send({ type: "memberJoined", groupId: group.id, userIds: [users.carol] });
    expect(joined).toMatchObject({ source: { type: "group", groupId: group.id }, joined: { members: [{ type: "user", userId: users.carol }] } });
    expect((await listSimulatedGroups(access))[0].memberIds).toEqual([users.alice, users.bob, users.carol]);
    await send({ type: "message", userId: users.carol, groupId: group.id, text: "glad to be here" });

    const left = await send({ type: "memberLeft", groupId: group.id, userIds: [users.carol] });
    expect(left).not.toHaveProperty("replyToken");
    expect((await listSimulatedGroups(access))[0].memberIds).toEqual([users.alice, users.bob]);
    expect([check("Event", joined), check("Event", left)]).toEqual([[], []]);
    await expect(sendSimulatedEvent(access, { type: "message", userId: users.carol, groupId: group.id, text: "still here?" })).rejects.toThrow(
      "This user is not in the group.",
    );
  });

  test("an edit keeps the original's message ID, with a new reply token and quote token", async () => {
    const original = await send({ type: "message", userId: users.alice, groupId: group.id, text: "at 7" });
    if (original.type !== "message" || original.message.type !== "text") throw new Error("not a text message");
    const edited = await send({ type: "messageEdited", userId: users.alice, groupId: group.id, messageId: original.message.id, text: "at 8" });
    if (edited.type !== "messageEdited") throw new Error("not an edit");
    expect(edited.message).toMatchObject({ type: "text", id: original.message.id, text: "at 8" });
    expect(edited.message.quoteToken).not.toBe(original.message.quoteToken);
    expect(edited.replyToken).not.toBe(original.replyToken);
    expect(check("Event", { ...edited, type: "message" })).toEqual([]);
  });

  test("events name only this channel's users, groups and rooms, each by its own kind", async () => {
    const refused: Array<[Record<string, unknown>, string]> = [
      [{ type: "message", userId: users.stranger, groupId: group.id, text: "x" }, "This simulated user does not exist."],
      [{ type: "memberJoined", groupId: group.id, userIds: [users.stranger] }, "This simulated user does not exist."],
      [{ type: "memberJoined", groupId: group.id, userIds: [users.alice] }, "This user is in the group already."],
      [{ type: "memberLeft", groupId: group.id, userIds: [users.carol] }, "This user is not in the group."],
      [{ type: "join", roomId: `R${group.id.slice(1)}` }, "This simulated room does not exist."],
      [{ type: "join", groupId: `C${"0".repeat(32)}` }, "This simulated group does not exist."],
    ];
    const before = await db().webhookEvent.count();
    for (const [spec, message] of refused) await expect(sendSimulatedEvent(access, spec)).rejects.toThrow(message);
    await expect(sendSimulatedEvent(otherAccess, { type: "join", groupId: group.id })).rejects.toThrow(NotFoundError);
    expect(await db().webhookEvent.count()).toBe(before);
  });
});

test("every event type from the Simulator is stored as LINE would send it", async () => {
  const image = await send({ type: "message", userId: users.alice, message: { type: "image" } });
  const specs: Record<string, unknown>[] = [
    { type: "message", userId: users.alice, text: "@Bob hey", mention: { mentionees: [{ type: "user", index: 0, length: 4, userId: users.bob }] }, groupId: group.id },
    { type: "message", userId: users.alice, roomId: room.id, message: { type: "sticker", packageId: "446", stickerId: "1988" } },
    { type: "message", userId: users.alice, message: { type: "location", latitude: 35.6586, longitude: 139.7454 } },
    { type: "follow", userId: users.alice },
    { type: "unfollow", userId: users.alice },
    { type: "postback", userId: users.alice, data: "pick", params: { datetime: "2025-01-31T23:59" } },
    { type: "unsend", userId: users.alice, messageId: image.type === "message" ? image.message.id : "" },
    { type: "videoPlayComplete", userId: users.bob, groupId: group.id, trackingId: "intro" },
    { type: "beacon", userId: users.alice, hwid: "d41d8cd98f" },
    { type: "accountLink", userId: users.alice, result: "failed", nonce: "n" },
  ];
  for (const spec of specs) expect(check("Event", await send(spec)), JSON.stringify(spec)).toEqual([]);

  const { events } = await listRecentSimulatorEvents(access, 3);
  expect(events.map((e) => [e.type, e.summary, e.userId, e.chatId])).toEqual([
    ["accountLink", "failed", users.alice, null],
    ["beacon", "enter d41d8cd98f", users.alice, null],
    ["videoPlayComplete", "intro", users.bob, group.id],
  ]);
});
