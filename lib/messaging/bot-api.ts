import "server-only";
import { db, transaction } from "../db";
import { ApiError, badRequest, notFoundError, parseBody } from "../http/api";
import { createMessageId, createQuoteToken } from "../webhook/payload";
import { webhookEventIdOf } from "../webhook/reply-tokens";
import { pushRequestSchema, replyRequestSchema, type BotMessageObject } from "./message-schema";
import { REPLY_TOKEN_LIFETIME_MS, REPLY_WINDOW_MS } from "./reply-window";

/**
 * The bot's side of the Messaging API: what a bot sends to the console's simulated users, kept
 * for the Simulator's chats, with LINE's rules and LINE's errors.
 */


export type SentMessage = { id: string; quoteToken?: string };

/** The kinds of send, as the Simulator's chat labels them. */
export type BotSendKind = "reply" | "push" | "multicast" | "broadcast";

const INVALID_REPLY_TOKEN = "Invalid reply token";

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/** LINE's answer for a recipient it does not know. */
function invalidTo(): ApiError {
  return badRequest("The property, 'to', in the request body is invalid (line: -, column: -)");
}

// Text and sticker messages can be quoted later, so LINE returns a quote token for them.
const QUOTABLE = new Set(["text", "sticker"]);

/** Keeps the messages of one send to one recipient and returns their IDs (and quote tokens). */
async function keepMessages(
  tx: Parameters<Parameters<typeof transaction>[0]>[0],
  send: { channelId: string; kind: BotSendKind; to: string; webhookEventId?: string; requestId: string; now: Date },
  messages: readonly BotMessageObject[],
): Promise<SentMessage[]> {
  const sent = messages.map((message) => ({
    id: createMessageId(),
    quoteToken: QUOTABLE.has(message.type) ? createQuoteToken() : undefined,
  }));
  await tx.botMessage.createMany({
    data: messages.map((message, i) => ({
      id: sent[i].id,
      channelId: send.channelId,
      kind: send.kind,
      to: send.to,
      webhookEventId: send.webhookEventId ?? null,
      requestId: send.requestId,
      message: JSON.stringify(message),
      position: i,
      quoteToken: sent[i].quoteToken ?? null,
      createdAt: send.now,
    })),
  });
  return sent.map((s) => (s.quoteToken ? { id: s.id, quoteToken: s.quoteToken } : { id: s.id }));
}

type EventSource = { type: "user"; userId: string } | { type: "group"; groupId: string } | { type: "room"; roomId: string };

/** Where a reply to an event goes: the chat the event came from. */
function chatOf(source: EventSource): string {
  return source.type === "user" ? source.userId : source.type === "group" ? source.groupId : source.roomId;
}

/**
 * `POST /v2/bot/message/reply`. A token works once, only in the channel of its event, only
 * within a minute of the webhook that carried it (of the event, or of its latest send) and never
 * 20 minutes after the event; otherwise LINE's 400 "Invalid reply token". A refused request uses
 * nothing up.
 */
export async function replyMessages(
  channelId: string,
  input: { replyToken: string; messages: BotMessageObject[] },
  requestId: string,
  now: Date = new Date(),
): Promise<{ sentMessages: SentMessage[] }> {
  const webhookEventId = webhookEventIdOf(input.replyToken);
  const event = webhookEventId
    ? await db().webhookEvent.findUnique({ where: { webhookEventId }, select: { channelId: true, event: true } })
    : null;
  if (!webhookEventId || !event || event.channelId !== channelId) throw badRequest(INVALID_REPLY_TOKEN);
  const payload = JSON.parse(event.event) as { replyToken?: string; timestamp: number; source: EventSource };
  if (payload.replyToken !== input.replyToken || now.getTime() - payload.timestamp > REPLY_TOKEN_LIFETIME_MS) {
    throw badRequest(INVALID_REPLY_TOKEN);
  }
  // A first send goes out as the event is made; a redelivery is received when it is sent.
  if (now.getTime() - payload.timestamp > REPLY_WINDOW_MS) {
    const latest = await db().deliveryAttempt.findFirst({
      where: { webhookEventId, kind: "event" },
      orderBy: { id: "desc" },
      select: { startedAt: true },
    });
    if (!latest || now.getTime() - latest.startedAt.getTime() > REPLY_WINDOW_MS) throw badRequest(INVALID_REPLY_TOKEN);
  }
  const to = chatOf(payload.source);
  const sentMessages = await transaction(async (tx) => {
    // The token's one use: a second reply, even at the same moment, finds the row already there.
    try {
      await tx.replyTokenUse.create({ data: { webhookEventId, channelId, usedAt: now } });
    } catch (error) {
      if (isUniqueViolation(error)) throw badRequest(INVALID_REPLY_TOKEN);
      throw error;
    }
    return keepMessages(tx, { channelId, kind: "reply", to, webhookEventId, requestId, now }, input.messages);
  });
  return { sentMessages };
}

/** A refused send, kept for the chat it names. */
async function keepSendError(
  channelId: string,
  refused: { kind: "reply" | "push"; to: string; webhookEventId?: string },
  error: ApiError,
  requestId: string,
  now: Date,
): Promise<void> {
  const body = error.details.length > 0 ? { message: error.message, details: error.details } : { message: error.message };
  await db().botSendError.create({
    data: {
      channelId,
      kind: refused.kind,
      to: refused.to,
      webhookEventId: refused.webhookEventId ?? null,
      requestId,
      status: error.status,
      error: JSON.stringify(body),
      createdAt: now,
    },
  });
}

/** A string property of a body not yet checked, if it has one. */
function stringField(body: unknown, name: string): string | null {
  if (typeof body !== "object" || body === null) return null;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === "string" ? value : null;
}

/**
 * `POST /v2/bot/message/reply` for a body not yet checked: a refusal whose token is one of the
 * channel's events (used up, too late, or sent with bad messages) is kept for that event's chat,
 * so that the Simulator shows it where the reply would have been, and then answered as LINE does.
 */
export async function replyFromBody(
  channelId: string,
  body: unknown,
  requestId: string,
  now: Date = new Date(),
): Promise<{ sentMessages: SentMessage[] }> {
  try {
    return await replyMessages(channelId, parseBody(replyRequestSchema, body), requestId, now);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const webhookEventId = webhookEventIdOf(stringField(body, "replyToken") ?? "");
    const event = webhookEventId
      ? await db().webhookEvent.findUnique({ where: { webhookEventId }, select: { channelId: true, event: true } })
      : null;
    if (webhookEventId && event?.channelId === channelId) {
      const to = chatOf((JSON.parse(event.event) as { source: EventSource }).source);
      await keepSendError(channelId, { kind: "reply", to, webhookEventId }, error, requestId, now);
    }
    throw error;
  }
}

/**
 * Checks the body of `POST /v2/bot/message/push`: bad messages to one of the channel's simulated
 * users, groups or rooms are kept for that chat, then answered as LINE does.
 */
export async function checkPushBody(
  channelId: string,
  body: unknown,
  requestId: string,
  now: Date = new Date(),
): Promise<{ to: string; messages: BotMessageObject[] }> {
  try {
    return parseBody(pushRequestSchema, body);
  } catch (error) {
    const to = stringField(body, "to");
    if (error instanceof ApiError && to && ((await knownUsers(channelId, [to])).has(to) || (await isKnownChat(channelId, to)))) {
      await keepSendError(channelId, { kind: "push", to }, error, requestId, now);
    }
    throw error;
  }
}

/** The channel's simulated users among `ids` (the chats a push or multicast may reach). */
async function knownUsers(channelId: string, ids: readonly string[]): Promise<Set<string>> {
  const rows = await db().simulatedUser.findMany({ where: { channelId, id: { in: [...ids] } }, select: { id: true } });
  return new Set(rows.map((row) => row.id));
}

/** A request's `X-Line-Retry-Key` (lowercase) and its own request ID. */
export type RetryKey = { key: string; requestId: string };

/** What a send answers: its body, or, for a retry key already accepted, the first request's. */
export type SendOutcome<T> = { body: T; repeatOf?: string };

/** How long LINE remembers a retry key. */
const RETRY_KEY_TTL_MS = 24 * 3_600_000;

/**
 * Runs a send in one transaction with its retry key, if it has one: the first request with a key
 * sends and keeps its response; a repeat within 24 hours, even one made at the same moment, sends
 * nothing and gets the first request's ID and response.
 */
async function sendOnce<T>(
  channelId: string,
  retry: RetryKey | null,
  now: Date,
  send: (tx: Parameters<Parameters<typeof transaction>[0]>[0]) => Promise<T>,
): Promise<SendOutcome<T>> {
  if (!retry) return { body: await transaction(send) };
  const key = { channelId_retryKey: { channelId, retryKey: retry.key } };
  try {
    const body = await transaction(async (tx) => {
      await tx.messageRetryKey.deleteMany({ where: { channelId, retryKey: retry.key, createdAt: { lt: new Date(now.getTime() - RETRY_KEY_TTL_MS) } } });
      await tx.messageRetryKey.create({ data: { channelId, retryKey: retry.key, requestId: retry.requestId, response: "{}", createdAt: now } });
      const result = await send(tx);
      await tx.messageRetryKey.update({ where: key, data: { response: JSON.stringify(result) } });
      return result;
    });
    return { body };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const earlier = await db().messageRetryKey.findUnique({ where: key });
    if (!earlier) throw error;
    return { body: JSON.parse(earlier.response) as T, repeatOf: earlier.requestId };
  }
}

/** Whether `id` is one of the channel's simulated groups or rooms. */
async function isKnownChat(channelId: string, id: string): Promise<boolean> {
  return (await db().simulatedGroup.count({ where: { id, channelId } })) > 0;
}

/** `POST /v2/bot/message/push`: to one simulated user, group or room of the channel. */
export async function pushMessages(
  channelId: string,
  input: { to: string; messages: BotMessageObject[] },
  requestId: string,
  retry: RetryKey | null = null,
  now: Date = new Date(),
): Promise<SendOutcome<{ sentMessages: SentMessage[] }>> {
  const known = (await knownUsers(channelId, [input.to])).has(input.to) || (await isKnownChat(channelId, input.to));
  if (!known) throw invalidTo();
  return sendOnce(channelId, retry, now, async (tx) => ({
    sentMessages: await keepMessages(tx, { channelId, kind: "push", to: input.to, requestId, now }, input.messages),
  }));
}

/** `POST /v2/bot/message/multicast`: to up to 500 simulated users at once; every one must exist. */
export async function multicastMessages(
  channelId: string,
  input: { to: string[]; messages: BotMessageObject[] },
  requestId: string,
  retry: RetryKey | null = null,
  now: Date = new Date(),
): Promise<SendOutcome<Record<string, never>>> {
  const recipients = [...new Set(input.to)];
  const known = await knownUsers(channelId, recipients);
  if (recipients.some((id) => !known.has(id))) throw invalidTo();
  return sendOnce(channelId, retry, now, async (tx) => {
    for (const to of recipients) await keepMessages(tx, { channelId, kind: "multicast", to, requestId, now }, input.messages);
    return {};
  });
}

/** `POST /v2/bot/message/broadcast`: to every simulated user of the channel. */
export async function broadcastMessages(
  channelId: string,
  input: { messages: BotMessageObject[] },
  requestId: string,
  retry: RetryKey | null = null,
  now: Date = new Date(),
): Promise<SendOutcome<Record<string, never>>> {
  const users = await db().simulatedUser.findMany({ where: { channelId }, select: { id: true } });
  return sendOnce(channelId, retry, now, async (tx) => {
    for (const { id } of users) await keepMessages(tx, { channelId, kind: "broadcast", to: id, requestId, now }, input.messages);
    return {};
  });
}

/** `GET /v2/bot/profile/{userId}`: a simulated user's profile, or LINE's 404. */
export async function userProfile(channelId: string, userId: string): Promise<{ userId: string; displayName: string; language: string }> {
  const user = await db().simulatedUser.findFirst({ where: { id: userId, channelId }, select: { id: true, displayName: true } });
  if (!user) throw notFoundError("Not found");
  return { userId: user.id, displayName: user.displayName, language: "en" };
}

/** A simulated group or room of the channel, with its members, or LINE's 404. */
async function chatOrNotFound(channelId: string, id: string, kind: "group" | "room") {
  const chat = await db().simulatedGroup.findFirst({
    where: { id, channelId, kind },
    select: { id: true, name: true, members: { orderBy: [{ joinedAt: "asc" }, { userId: "asc" }], select: { userId: true } } },
  });
  if (!chat) throw notFoundError("Not found");
  return chat;
}

/** `GET /v2/bot/group/{groupId}/summary`. */
export async function groupSummary(channelId: string, groupId: string): Promise<{ groupId: string; groupName: string }> {
  const group = await chatOrNotFound(channelId, groupId, "group");
  return { groupId: group.id, groupName: group.name };
}

/** `GET /v2/bot/{group|room}/{id}/members/ids`: every member at once (a page of LINE's is 100; ours never has more). */
export async function chatMemberIds(channelId: string, id: string, kind: "group" | "room"): Promise<{ memberIds: string[] }> {
  return { memberIds: (await chatOrNotFound(channelId, id, kind)).members.map((m) => m.userId) };
}

/** `GET /v2/bot/{group|room}/{id}/members/count`. */
export async function chatMemberCount(channelId: string, id: string, kind: "group" | "room"): Promise<{ count: number }> {
  return { count: (await chatOrNotFound(channelId, id, kind)).members.length };
}
