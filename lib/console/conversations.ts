import "server-only";
import { db } from "../db";
import { parseEventStatus } from "../delivery/lifecycle";
import type { BotSendKind } from "../messaging/bot-api";
import type { BotMessageObject } from "../messaging/message-schema";
import { formatUtc9 } from "../time";
import type { MessageContent, Source, WebhookEvent } from "../webhook/payload";
import type { ChannelAccess } from "./access";
import { summarize, type RecentEvent } from "./simulator";

/**
 * The Simulator's chats as LINE shows them: in each one-to-one chat, group and room, what the
 * simulated users did (the events the Simulator and the script endpoint made there) and what the
 * bot answered (its replies and pushes there, and its multicasts and broadcasts to a user), and
 * the sends the Messaging API refused for it, in time order.
 */

/** How a user's event went: its status, its latest send, and that send's page in the Delivery log. */
export type ChatOutcome = Pick<RecentEvent, "status" | "last"> & { attemptId: number | null };

/** LINE's error body for a refused send. */
export type SendErrorBody = { message: string; details?: { property?: string; message: string }[] };

type EntryCommon = { key: string; time: string };

/** One line of a chat. */
export type ChatEntry =
  | (EntryCommon & {
      from: "user";
      webhookEventId: string;
      /** Who did it; null for what the group or room did itself. */
      userId: string | null;
      type: string;
      summary: string;
      /** The message, for a message event: what the chat shows of it. */
      message: MessageContent | null;
      memberIds: string[];
      outcome: ChatOutcome;
    })
  | (EntryCommon & { from: "bot"; sendKind: BotSendKind; message: BotMessageObject })
  | (EntryCommon & { from: "refused"; sendKind: "reply" | "push"; status: number; error: SendErrorBody });

/** Every chat's entries, oldest first, by the chat's ID: a user's ID for their one-to-one chat. */
export type Conversations = Record<string, ChatEntry[]>;

// The newest events and messages of the channel are read once for every chat; each chat shows its latest.
const EVENTS_READ = 300;
const MESSAGES_READ = 300;
const ERRORS_READ = 100;
const ENTRIES_SHOWN = 60;

/** The chat an event happened in: the user's one-to-one chat, or the group or room. */
function chatOf(source: Source): string {
  if (source.type === "group") return source.groupId;
  if (source.type === "room") return source.roomId;
  return source.userId;
}

const SEND_KINDS: readonly BotSendKind[] = ["reply", "push", "multicast", "broadcast"];

function sendKindOf(kind: string): BotSendKind {
  return SEND_KINDS.find((k) => k === kind) ?? "push";
}

// Entries of one millisecond keep the order a chat has: what a user did, then what the bot answered.
const ORDER = { user: 0, bot: 1, refused: 2 } as const;

/** The channel's chats, each with its latest entries in time order (any member). */
export async function listConversations(access: ChannelAccess): Promise<Conversations> {
  const channelId = access.channel.id;
  const [events, messages, errors] = await Promise.all([
    db().webhookEvent.findMany({
      where: { channelId, origin: { in: ["simulator", "api"] } },
      orderBy: { seq: "desc" },
      take: EVENTS_READ,
      select: { seq: true, webhookEventId: true, event: true, status: true, createdAt: true },
    }),
    db().botMessage.findMany({
      where: { channelId },
      orderBy: [{ createdAt: "desc" }, { position: "desc" }],
      take: MESSAGES_READ,
      select: { id: true, kind: true, to: true, message: true, createdAt: true },
    }),
    db().botSendError.findMany({
      where: { channelId },
      orderBy: { id: "desc" },
      take: ERRORS_READ,
      select: { id: true, kind: true, to: true, status: true, error: true, createdAt: true },
    }),
  ]);
  const attempts = await db().deliveryAttempt.findMany({
    where: { webhookEventId: { in: events.map((e) => e.webhookEventId) }, kind: "event" },
    orderBy: { id: "asc" },
    select: { id: true, webhookEventId: true, success: true, statusCode: true, reason: true, detail: true, durationMs: true },
  });
  const lastById = new Map(attempts.map((a) => [a.webhookEventId, a]));

  const chats = new Map<string, { at: number; order: number; seq: number; entry: ChatEntry }[]>();
  const add = (chatId: string, at: Date, order: number, seq: number, entry: ChatEntry) => {
    const chat = chats.get(chatId) ?? [];
    chat.push({ at: at.getTime(), order, seq, entry });
    chats.set(chatId, chat);
  };
  for (const row of events) {
    const event = JSON.parse(row.event) as WebhookEvent;
    const last = lastById.get(row.webhookEventId);
    const members = event.type === "memberJoined" ? event.joined.members : event.type === "memberLeft" ? event.left.members : [];
    add(chatOf(event.source), row.createdAt, ORDER.user, row.seq, {
      from: "user",
      key: `event-${row.webhookEventId}`,
      time: formatUtc9(row.createdAt),
      webhookEventId: row.webhookEventId,
      userId: event.source.userId ?? null,
      type: event.type,
      summary: summarize(event),
      message: event.type === "message" || event.type === "messageEdited" ? event.message : null,
      memberIds: members.map((m) => m.userId),
      outcome: {
        status: parseEventStatus(row.status),
        last: last
          ? { success: last.success, statusCode: last.statusCode, reason: last.reason, detail: last.detail, durationMs: last.durationMs }
          : null,
        attemptId: last?.id ?? null,
      },
    });
  }
  messages.forEach((row, i) => {
    add(row.to, row.createdAt, ORDER.bot, -i, {
      from: "bot",
      key: `message-${row.id}-${row.to}`,
      time: formatUtc9(row.createdAt),
      sendKind: sendKindOf(row.kind),
      message: JSON.parse(row.message) as BotMessageObject,
    });
  });
  for (const row of errors) {
    add(row.to, row.createdAt, ORDER.refused, row.id, {
      from: "refused",
      key: `refused-${row.id}`,
      time: formatUtc9(row.createdAt),
      sendKind: row.kind === "push" ? "push" : "reply",
      status: row.status,
      error: JSON.parse(row.error) as SendErrorBody,
    });
  }

  const conversations: Conversations = {};
  for (const [chatId, entries] of chats) {
    entries.sort((a, b) => a.at - b.at || a.order - b.order || a.seq - b.seq);
    conversations[chatId] = entries.slice(-ENTRIES_SHOWN).map((e) => e.entry);
  }
  return conversations;
}

/**
 * A stamp of everything the chats show, for the open Simulator to poll: it changes when an event
 * is made or sent, or the bot sends or is refused (any member).
 */
export async function getConversationsStamp(access: ChannelAccess): Promise<string> {
  const channelId = access.channel.id;
  const [event, attempt, messages, error] = await Promise.all([
    db().webhookEvent.aggregate({ where: { channelId }, _max: { seq: true } }),
    db().deliveryAttempt.aggregate({ where: { channelId }, _max: { id: true } }),
    db().botMessage.count({ where: { channelId } }),
    db().botSendError.aggregate({ where: { channelId }, _max: { id: true } }),
  ]);
  return [event._max.seq ?? 0, attempt._max.id ?? 0, messages, error._max.id ?? 0].join(".");
}
