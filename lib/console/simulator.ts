import "server-only";
import { parseEventStatus, type EventStatus } from "../delivery/lifecycle";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "../db";
import { acceptEvents, eventSpecSchema, type AcceptedEvents } from "../delivery/ingest";
import { InputError, NotFoundError, parseInput, type ErrorKey } from "../errors";
import { keepSimulatedContent } from "../messaging/content";
import type { Source, WebhookEvent } from "../webhook/payload";
import type { ChannelAccess } from "./access";

export type SimulatedUserView = { id: string; displayName: string };

/** The channel's simulated users, oldest first (any member). */
export async function listSimulatedUsers(access: ChannelAccess): Promise<SimulatedUserView[]> {
  return db().simulatedUser.findMany({
    where: { channelId: access.channel.id },
    orderBy: { createdAt: "asc" },
    select: { id: true, displayName: true },
  });
}

const displayName = z
  .string()
  .trim()
  .min(1, "enterDisplayName" satisfies ErrorKey)
  .max(20, "displayNameTooLong" satisfies ErrorKey);

/** Makes up a LINE user for the channel, with a fresh user ID (any member, Testers included). */
export async function createSimulatedUser(access: ChannelAccess, name: string): Promise<SimulatedUserView> {
  const parsed = parseInput(displayName, name);
  return db().simulatedUser.create({
    data: { id: `U${randomBytes(16).toString("hex")}`, channelId: access.channel.id, displayName: parsed },
    select: { id: true, displayName: true },
  });
}

export type SimulatedGroupView = { id: string; kind: "group" | "room"; name: string; memberIds: string[] };

// Members who joined together (a new group's) list by name.
const MEMBER_ORDER = [{ joinedAt: "asc" as const }, { user: { displayName: "asc" as const } }];

/** The channel's simulated groups and rooms with their members, oldest first (any member). */
export async function listSimulatedGroups(access: ChannelAccess): Promise<SimulatedGroupView[]> {
  const rows = await db().simulatedGroup.findMany({
    where: { channelId: access.channel.id },
    orderBy: { createdAt: "asc" },
    select: { id: true, kind: true, name: true, members: { orderBy: MEMBER_ORDER, select: { userId: true } } },
  });
  return rows.map(groupView);
}

function groupView(row: { id: string; kind: string; name: string; members: { userId: string }[] }): SimulatedGroupView {
  return { id: row.id, kind: row.kind === "room" ? "room" : "group", name: row.name, memberIds: row.members.map((m) => m.userId) };
}

const memberIds = z
  .array(z.string(), { error: "chooseMembers" satisfies ErrorKey })
  .max(100, "tooManyMembers" satisfies ErrorKey);
const newGroupSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({
      kind: z.literal("group"),
      name: z
        .string()
        .trim()
        .min(1, "enterGroupName" satisfies ErrorKey)
        .max(50, "groupNameTooLong" satisfies ErrorKey),
      userIds: memberIds.min(1, "groupNeedsMember" satisfies ErrorKey),
    }),
    // LINE's rooms have no name, and are made by inviting at least two friends.
    z.object({ kind: z.literal("room"), userIds: memberIds.min(2, "roomNeedsMembers" satisfies ErrorKey) }),
  ],
  { error: "chooseGroupOrRoom" satisfies ErrorKey },
);

/**
 * Makes up a LINE group or room of the channel's simulated users, with a fresh ID (`C` or `R`
 * and 32 hex digits), for events to come from (any member).
 */
export async function createSimulatedGroup(access: ChannelAccess, input: unknown): Promise<SimulatedGroupView> {
  const parsed = parseInput(newGroupSchema, input);
  const userIds = [...new Set(parsed.userIds)];
  await requireSimulatedUsers(access, userIds);
  const row = await db().simulatedGroup.create({
    data: {
      id: `${parsed.kind === "group" ? "C" : "R"}${randomBytes(16).toString("hex")}`,
      channelId: access.channel.id,
      kind: parsed.kind,
      name: parsed.kind === "group" ? parsed.name : "",
      members: { create: userIds.map((userId) => ({ userId })) },
    },
    select: { id: true, kind: true, name: true, members: { orderBy: MEMBER_ORDER, select: { userId: true } } },
  });
  return groupView(row);
}

async function requireSimulatedUsers(access: ChannelAccess, userIds: readonly string[]): Promise<void> {
  const found = await db().simulatedUser.count({ where: { channelId: access.channel.id, id: { in: [...userIds] } } });
  if (found !== userIds.length) throw new NotFoundError({ key: "simulatedUserNotFound" });
}

/**
 * A simulated user, group or room does something in a chat; the event is accepted for delivery.
 * Events name only the channel's own simulated users, groups and rooms, a user acts only in a
 * chat they are in, and a memberJoined or memberLeft event changes who is in it.
 */
export async function sendSimulatedEvent(access: ChannelAccess, input: unknown): Promise<AcceptedEvents> {
  const spec = parseInput(eventSpecSchema, input);
  const actor = "userId" in spec ? [spec.userId] : [];
  const joining = spec.type === "memberJoined" || spec.type === "memberLeft" ? [...new Set(spec.userIds)] : [];
  await requireSimulatedUsers(access, [...new Set([...actor, ...joining])]);

  const chatId = ("groupId" in spec && spec.groupId) || ("roomId" in spec && spec.roomId) || null;
  if (chatId) {
    const kind = chatId.startsWith("C") ? "group" : "room";
    const chat = await db().simulatedGroup.findFirst({
      where: { id: chatId, channelId: access.channel.id, kind },
      select: { members: { select: { userId: true } } },
    });
    const isGroup = kind === "group";
    if (!chat) throw new NotFoundError({ key: isGroup ? "simulatedGroupNotFound" : "simulatedRoomNotFound" });
    const members = new Set(chat.members.map((m) => m.userId));
    const notIn: ErrorKey = isGroup ? "userNotInGroup" : "userNotInRoom";
    if (actor.some((id) => !members.has(id))) throw new InputError({ key: notIn });
    if (spec.type === "memberJoined" && joining.some((id) => members.has(id))) {
      throw new InputError({ key: isGroup ? "userInGroupAlready" : "userInRoomAlready" });
    }
    if (spec.type === "memberLeft" && joining.some((id) => !members.has(id))) {
      throw new InputError({ key: notIn });
    }
  }

  const accepted = await acceptEvents(access.channel, [spec], "simulator");
  if (spec.type === "message" && spec.message) await keepSimulatedContent(access.channel.id, accepted.webhookEventIds);
  if (chatId && spec.type === "memberJoined") {
    await db().simulatedGroupMember.createMany({ data: joining.map((userId) => ({ groupId: chatId, userId })) });
  }
  if (chatId && spec.type === "memberLeft") {
    await db().simulatedGroupMember.deleteMany({ where: { groupId: chatId, userId: { in: joining } } });
  }
  return accepted;
}

export type RecentEvent = {
  webhookEventId: string;
  type: string;
  summary: string;
  /** Who did it, or null for what a group or room did itself (join, leave, member events). */
  userId: string | null;
  /** The group or room it happened in, or null for a one-to-one chat. */
  chatId: string | null;
  /** The users a memberJoined or memberLeft event names. */
  memberIds: string[];
  /** The message's ID, for a message event: what an unsend or an edit names. */
  messageId: string | null;
  status: EventStatus;
  createdAt: Date;
  attempts: number;
  last: { success: boolean; statusCode: number | null; reason: string | null; detail: string | null; durationMs: number } | null;
};

/** One line on what an event was: the text, the kind of message, the postback's data, and so on. */
export function summarize(event: WebhookEvent): string {
  switch (event.type) {
    case "message":
    case "messageEdited": {
      const message = event.message;
      if (message.type === "text") return message.text;
      if (message.type === "sticker") return `sticker ${message.packageId}/${message.stickerId}`;
      if (message.type === "file") return `file ${message.fileName}`;
      if (message.type === "location") return `location ${message.title ?? `${message.latitude}, ${message.longitude}`}`;
      return message.type;
    }
    case "postback":
      return event.postback.params ? `${event.postback.data} ${JSON.stringify(event.postback.params)}` : event.postback.data;
    case "follow":
      return event.follow.isUnblocked ? "unblocked" : "";
    case "unsend":
      return `message ${event.unsend.messageId}`;
    case "videoPlayComplete":
      return event.videoPlayComplete.trackingId;
    case "beacon":
      return `${event.beacon.type} ${event.beacon.hwid}`;
    case "accountLink":
      return event.link.result;
    default:
      return "";
  }
}

function chatIdOf(source: Source): string | null {
  if (source.type === "group") return source.groupId;
  if (source.type === "room") return source.roomId;
  return null;
}

/** The channel's latest events from the Simulator, with how their last send went (any member). */
export async function listRecentSimulatorEvents(access: ChannelAccess, limit = 15): Promise<{ events: RecentEvent[] }> {
  const rows = await db().webhookEvent.findMany({
    where: { channelId: access.channel.id, origin: "simulator" },
    orderBy: { seq: "desc" },
    take: limit,
    select: { webhookEventId: true, type: true, event: true, status: true, createdAt: true, attempts: true },
  });
  const attempts = await db().deliveryAttempt.findMany({
    where: { webhookEventId: { in: rows.map((r) => r.webhookEventId) } },
    orderBy: { id: "asc" },
    select: { webhookEventId: true, success: true, statusCode: true, reason: true, detail: true, durationMs: true },
  });
  const lastById = new Map(attempts.map((a) => [a.webhookEventId, a]));
  const events = rows.map((row) => {
    const event = JSON.parse(row.event) as WebhookEvent;
    const members = event.type === "memberJoined" ? event.joined.members : event.type === "memberLeft" ? event.left.members : [];
    const last = lastById.get(row.webhookEventId);
    return {
      webhookEventId: row.webhookEventId,
      type: row.type,
      summary: summarize(event),
      userId: event.source.userId ?? null,
      chatId: chatIdOf(event.source),
      memberIds: members.map((m) => m.userId),
      messageId: event.type === "message" ? event.message.id : null,
      status: parseEventStatus(row.status),
      createdAt: row.createdAt,
      attempts: row.attempts,
      last: last
        ? { success: last.success, statusCode: last.statusCode, reason: last.reason, detail: last.detail, durationMs: last.durationMs }
        : null,
    };
  });
  return { events };
}
