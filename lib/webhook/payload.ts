import { randomInt } from "node:crypto";
import { randomBytesPooled, ulid } from "../random";
import { replyTokenFor } from "./reply-tokens";

/**
 * Webhook events as LINE sends them (docs/line-behaviour.md#webhook-request; the tests check them
 * against @line/bot-sdk's webhook types). Only the one-to-one chat source and the four event types the product
 * simulates are modelled.
 */

export type UserSource = { type: "user"; userId: string };

export type DeliveryContext = { isRedelivery: boolean };

type EventCommon = {
  webhookEventId: string;
  deliveryContext: DeliveryContext;
  /** When the event happened (ms since the epoch), not when it is sent: redeliveries keep it. */
  timestamp: number;
  source: UserSource;
  mode: "active";
};

export type TextMessageEvent = EventCommon & {
  type: "message";
  message: { type: "text"; id: string; quoteToken: string; text: string };
  replyToken: string;
};

export type FollowEvent = EventCommon & {
  type: "follow";
  follow: { isUnblocked: boolean };
  replyToken: string;
};

export type UnfollowEvent = EventCommon & { type: "unfollow" };

export type PostbackEvent = EventCommon & {
  type: "postback";
  postback: { data: string; params?: Record<string, string> };
  replyToken: string;
};

export type WebhookEvent = TextMessageEvent | FollowEvent | UnfollowEvent | PostbackEvent;

export type WebhookEventType = WebhookEvent["type"];

/** What every builder needs: who did it, and when (defaults to now). */
export type EventInput = { userId: string; timestamp?: number };

/** A message ID: LINE's are decimal strings of about 18 digits. */
export function createMessageId(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 2 ** 47)).padStart(17, "0")}`;
}

/** A quote token: an opaque string a later message can quote this one by. */
export function createQuoteToken(): string {
  return randomBytesPooled(48).toString("base64url");
}

function common(input: EventInput): EventCommon {
  const timestamp = input.timestamp ?? Date.now();
  return {
    // The ULID's time part is the event's time, so IDs sort the way the events happened.
    webhookEventId: ulid(timestamp),
    deliveryContext: { isRedelivery: false },
    timestamp,
    source: { type: "user", userId: input.userId },
    mode: "active",
  };
}

/** A text message a user sent to the bot. */
export function buildTextMessageEvent(input: EventInput & { text: string }): TextMessageEvent {
  const { webhookEventId, ...rest } = common(input);
  return {
    type: "message",
    message: {
      type: "text",
      id: createMessageId(),
      quoteToken: createQuoteToken(),
      text: input.text,
    },
    webhookEventId,
    ...rest,
    replyToken: replyTokenFor(webhookEventId),
  };
}

/** A user added the bot as a friend, or unblocked it (`isUnblocked`). */
export function buildFollowEvent(input: EventInput & { isUnblocked?: boolean }): FollowEvent {
  const { webhookEventId, ...rest } = common(input);
  return {
    type: "follow",
    follow: { isUnblocked: input.isUnblocked ?? false },
    webhookEventId,
    ...rest,
    replyToken: replyTokenFor(webhookEventId),
  };
}

/** A user blocked the bot. Unfollow events carry no reply token: there is no one to reply to. */
export function buildUnfollowEvent(input: EventInput): UnfollowEvent {
  const { webhookEventId, ...rest } = common(input);
  return { type: "unfollow", webhookEventId, ...rest };
}

/** A user tapped a postback action; `data` is the action's data string. */
export function buildPostbackEvent(
  input: EventInput & { data: string; params?: Record<string, string> },
): PostbackEvent {
  const { webhookEventId, ...rest } = common(input);
  return {
    type: "postback",
    postback: input.params ? { data: input.data, params: input.params } : { data: input.data },
    webhookEventId,
    ...rest,
    replyToken: replyTokenFor(webhookEventId),
  };
}

/**
 * The same event, marked as redelivered: same `webhookEventId`, `replyToken` and `timestamp`
 * (bots dedupe by the ID), only `deliveryContext.isRedelivery` becomes true.
 */
export function asRedelivery<E extends WebhookEvent>(event: E): E {
  return { ...event, deliveryContext: { isRedelivery: true } };
}

/**
 * The request body, compact JSON. The signature is computed over exactly this string, so send
 * it as it is returned.
 */
export function buildWebhookBody(destination: string, events: readonly WebhookEvent[]): string {
  return JSON.stringify({ destination, events });
}

/**
 * The request body for one stored event, assembled from its JSON text as first sent: no parse
 * and re-serialise per send, except to mark a redelivery. It equals `buildWebhookBody` of the
 * parsed event (as a redelivery when `isRedelivery`), so the attempt log can rebuild what was sent.
 */
export function storedEventBody(destination: string, eventJson: string, isRedelivery: boolean): string {
  const event = isRedelivery ? JSON.stringify(asRedelivery(JSON.parse(eventJson) as WebhookEvent)) : eventJson;
  return `{"destination":${JSON.stringify(destination)},"events":[${event}]}`;
}

/** What the Delivery log files a send under: its event's type, and the user and group or room it came from. */
export type EventFacts = { eventType?: string; sourceUserId?: string; sourceGroupId?: string };

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * The type and source of a stored event's JSON. Events from the API may have any source LINE
 * sends (user, group, room); whatever is not a string is left out rather than guessed.
 */
export function eventFacts(eventJson: string): EventFacts {
  let event: unknown;
  try {
    event = JSON.parse(eventJson);
  } catch {
    return {};
  }
  if (typeof event !== "object" || event === null) return {};
  const { type, source } = event as { type?: unknown; source?: unknown };
  const from = typeof source === "object" && source !== null ? (source as Record<string, unknown>) : {};
  const facts: EventFacts = {};
  const eventType = text(type);
  const sourceUserId = text(from.userId);
  const sourceGroupId = text(from.groupId) ?? text(from.roomId);
  if (eventType) facts.eventType = eventType;
  if (sourceUserId) facts.sourceUserId = sourceUserId;
  if (sourceGroupId) facts.sourceGroupId = sourceGroupId;
  return facts;
}
