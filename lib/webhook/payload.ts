import { randomInt } from "node:crypto";
import { randomBytesPooled, ulid } from "../random";
import { replyTokenFor } from "./reply-tokens";

/**
 * Webhook events as LINE sends them (docs/line-behaviour.md#webhook-request; the tests check them
 * against @line/bot-sdk's webhook types, and `messageEdited`, which the SDK does not know yet,
 * against the fields LINE documents). Events come from a one-to-one chat, a group or a room.
 */

export type UserSource = { type: "user"; userId: string };
/** A group chat; `userId` is who did it, absent for what the group itself does (join, leave). */
export type GroupSource = { type: "group"; groupId: string; userId?: string };
/** A multi-person chat (LINE's "room"); `userId` as in a group. */
export type RoomSource = { type: "room"; roomId: string; userId?: string };
export type Source = UserSource | GroupSource | RoomSource;

export type DeliveryContext = { isRedelivery: boolean };

/** `standby` is for a channel that another module channel has the chat of: no reply is possible. */
export type EventMode = "active" | "standby";

type EventCommon = {
  webhookEventId: string;
  deliveryContext: DeliveryContext;
  /** When the event happened (ms since the epoch), not when it is sent: redeliveries keep it. */
  timestamp: number;
  source: Source;
  mode: EventMode;
};

/** A LINE emoji in a text: the characters `index` to `index + length` stand for it. */
export type Emoji = { index: number; length: number; productId: string; emojiId: string };

/** Someone mentioned in a text (`type: "user"`, with `userId` when LINE may tell), or everyone (`all`). */
export type Mentionee =
  | { type: "user"; index: number; length: number; userId?: string; isSelf?: boolean }
  | { type: "all"; index: number; length: number };

/** Where a message's content is: `line` means the bot fetches it from LINE's content endpoint. */
export type ContentProvider = { type: "line" };

export type TextMessage = {
  type: "text";
  id: string;
  quoteToken: string;
  text: string;
  emojis?: Emoji[];
  mention?: { mentionees: Mentionee[] };
  quotedMessageId?: string;
};
export type ImageMessage = { type: "image"; id: string; quoteToken: string; contentProvider: ContentProvider };
export type VideoMessage = {
  type: "video";
  id: string;
  quoteToken: string;
  duration: number;
  contentProvider: ContentProvider;
};
export type AudioMessage = { type: "audio"; id: string; duration: number; contentProvider: ContentProvider };
export type FileMessage = { type: "file"; id: string; fileName: string; fileSize: number };
export type LocationMessage = {
  type: "location";
  id: string;
  title?: string;
  address?: string;
  latitude: number;
  longitude: number;
};
export type StickerResourceType =
  | "STATIC"
  | "ANIMATION"
  | "SOUND"
  | "ANIMATION_SOUND"
  | "POPUP"
  | "POPUP_SOUND"
  | "CUSTOM"
  | "MESSAGE"
  | "NAME_TEXT"
  | "PER_STICKER_TEXT";
export type StickerMessage = {
  type: "sticker";
  id: string;
  quoteToken: string;
  packageId: string;
  stickerId: string;
  stickerResourceType: StickerResourceType;
  keywords?: string[];
  text?: string;
};
export type MessageContent =
  | TextMessage
  | ImageMessage
  | VideoMessage
  | AudioMessage
  | FileMessage
  | LocationMessage
  | StickerMessage;

/** Events that may be replied to, except in standby mode, where LINE leaves the token out. */
type MaybeReplyable = { replyToken?: string };

export type MessageEvent = EventCommon & MaybeReplyable & { type: "message"; message: MessageContent };
/** A text message in a group edited by its sender: the same `message.id`, a new reply and quote token. */
export type MessageEditedEvent = EventCommon & { type: "messageEdited"; message: TextMessage; replyToken: string };
export type FollowEvent = EventCommon & { type: "follow"; follow: { isUnblocked: boolean }; replyToken: string };
export type UnfollowEvent = EventCommon & { type: "unfollow" };
export type JoinEvent = EventCommon & { type: "join"; replyToken: string };
export type LeaveEvent = EventCommon & { type: "leave" };
export type MemberJoinedEvent = EventCommon & { type: "memberJoined"; joined: { members: UserSource[] }; replyToken: string };
export type MemberLeftEvent = EventCommon & { type: "memberLeft"; left: { members: UserSource[] } };

/** What a postback's action adds: the date/time picker's choice, or a rich menu switch's result. */
export type PostbackParams =
  | { date: string }
  | { time: string }
  | { datetime: string }
  | { newRichMenuAliasId: string; status: RichMenuSwitchStatus };
export type RichMenuSwitchStatus = "SUCCESS" | "RICHMENU_ALIAS_ID_NOTFOUND" | "RICHMENU_NOTFOUND" | "FAILED";
export type PostbackEvent = EventCommon &
  MaybeReplyable & { type: "postback"; postback: { data: string; params?: PostbackParams } };
export type UnsendEvent = EventCommon & { type: "unsend"; unsend: { messageId: string } };
export type VideoPlayCompleteEvent = EventCommon & {
  type: "videoPlayComplete";
  videoPlayComplete: { trackingId: string };
  replyToken: string;
};
export type BeaconType = "enter" | "banner" | "stay";
export type BeaconEvent = EventCommon & {
  type: "beacon";
  beacon: { hwid: string; type: BeaconType; dm?: string };
  replyToken: string;
};
export type AccountLinkEvent = EventCommon &
  MaybeReplyable & { type: "accountLink"; link: { result: "ok" | "failed"; nonce: string } };

export type WebhookEvent =
  | MessageEvent
  | MessageEditedEvent
  | FollowEvent
  | UnfollowEvent
  | JoinEvent
  | LeaveEvent
  | MemberJoinedEvent
  | MemberLeftEvent
  | PostbackEvent
  | UnsendEvent
  | VideoPlayCompleteEvent
  | BeaconEvent
  | AccountLinkEvent;

export type WebhookEventType = WebhookEvent["type"];

/** Every event type the console builds, in the order the docs and the load script list them. */
export const WEBHOOK_EVENT_TYPES = [
  "message",
  "messageEdited",
  "follow",
  "unfollow",
  "join",
  "leave",
  "memberJoined",
  "memberLeft",
  "postback",
  "unsend",
  "videoPlayComplete",
  "beacon",
  "accountLink",
] as const;

/**
 * What every builder needs: where it happened, and when (defaults to now). A bare `userId` is
 * that user's one-to-one chat with the bot.
 */
export type EventInput = { timestamp?: number } & ({ userId: string } | { source: Source });

/** For the events LINE may send in standby mode, where they carry no reply token. */
type ModeInput = { mode?: EventMode };

/** A message ID: LINE's are decimal strings of about 18 digits. */
export function createMessageId(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 2 ** 47)).padStart(17, "0")}`;
}

/** A quote token: an opaque string a later message can quote this one by. */
export function createQuoteToken(): string {
  return randomBytesPooled(48).toString("base64url");
}

function common(input: EventInput, mode: EventMode = "active"): EventCommon {
  const timestamp = input.timestamp ?? Date.now();
  return {
    // The ULID's time part is the event's time, so IDs sort the way the events happened.
    webhookEventId: ulid(timestamp),
    deliveryContext: { isRedelivery: false },
    timestamp,
    source: "source" in input ? input.source : { type: "user", userId: input.userId },
    mode,
  };
}

/** The common fields, and the reply token unless the event is in standby mode. */
function replyable(input: EventInput, mode: EventMode = "active"): EventCommon & { replyToken?: string } {
  const fields: EventCommon & { replyToken?: string } = common(input, mode);
  // Set on the fields rather than spread into a copy: every accepted event comes through here.
  if (mode === "active") fields.replyToken = replyTokenFor(fields.webhookEventId);
  return fields;
}

/** The common fields and a reply token, for the events LINE always sends one with. */
function replied(input: EventInput): EventCommon & { replyToken: string } {
  const fields = common(input);
  return Object.assign(fields, { replyToken: replyTokenFor(fields.webhookEventId) });
}

/** What a text message holds besides its ID and quote token. */
export type TextInput = Pick<TextMessage, "text" | "emojis" | "mention" | "quotedMessageId">;

function textContent(id: string, input: TextInput): TextMessage {
  const message: TextMessage = { type: "text", id, quoteToken: createQuoteToken(), text: input.text };
  if (input.emojis) message.emojis = input.emojis;
  if (input.mention) message.mention = input.mention;
  if (input.quotedMessageId) message.quotedMessageId = input.quotedMessageId;
  return message;
}

/** A text message sent to the bot, with LINE emojis and mentions when given. */
export function buildTextMessageEvent(input: EventInput & ModeInput & TextInput): MessageEvent & { message: TextMessage } {
  return { type: "message", message: textContent(createMessageId(), input), ...replyable(input, input.mode) };
}

/** What a message other than text holds besides its ID (and quote token). */
export type MediaInput =
  | { type: "image" }
  | { type: "video"; duration: number }
  | { type: "audio"; duration: number }
  | Omit<FileMessage, "id">
  | Omit<LocationMessage, "id">
  | Omit<StickerMessage, "id" | "quoteToken">;

function mediaContent(id: string, media: MediaInput): MessageContent {
  const provider: ContentProvider = { type: "line" };
  switch (media.type) {
    case "image":
      return { type: "image", id, quoteToken: createQuoteToken(), contentProvider: provider };
    case "video":
      return { type: "video", id, quoteToken: createQuoteToken(), duration: media.duration, contentProvider: provider };
    case "audio":
      return { type: "audio", id, duration: media.duration, contentProvider: provider };
    case "file":
    case "location":
      return { ...media, id };
    case "sticker":
      return { ...media, id, quoteToken: createQuoteToken() };
  }
}

/**
 * An image, video, audio, file, location or sticker message sent to the bot. Image, video and
 * audio are held by LINE (`contentProvider.type` `line`); LINE gives audio and files no quote token.
 */
export function buildMediaMessageEvent(input: EventInput & ModeInput & { media: MediaInput }): MessageEvent {
  return { type: "message", message: mediaContent(createMessageId(), input.media), ...replyable(input, input.mode) };
}

/**
 * A text message in a group, edited by its sender: LINE keeps the original's `message.id` and
 * sends a new reply token and a new quote token. Groups only, and text only.
 */
export function buildMessageEditedEvent(
  input: { timestamp?: number; source: GroupSource & { userId: string }; messageId: string } & TextInput,
): MessageEditedEvent {
  return { type: "messageEdited", message: textContent(input.messageId, input), ...replied(input) };
}

/** A user added the bot as a friend, or unblocked it (`isUnblocked`). */
export function buildFollowEvent(input: EventInput & { isUnblocked?: boolean }): FollowEvent {
  return { type: "follow", follow: { isUnblocked: input.isUnblocked ?? false }, ...replied(input) };
}

/** A user blocked the bot. Unfollow events carry no reply token: there is no one to reply to. */
export function buildUnfollowEvent(input: EventInput): UnfollowEvent {
  return { type: "unfollow", ...common(input) };
}

/** The bot was added to a group or room. */
export function buildJoinEvent(input: { timestamp?: number; source: GroupSource | RoomSource }): JoinEvent {
  return { type: "join", ...replied(input) };
}

/** The bot was removed from a group or left a room; it can no longer reply there. */
export function buildLeaveEvent(input: { timestamp?: number; source: GroupSource | RoomSource }): LeaveEvent {
  return { type: "leave", ...common(input) };
}

/** Users joined a group or room the bot is in. */
export function buildMemberJoinedEvent(
  input: { timestamp?: number; source: GroupSource | RoomSource; userIds: readonly string[] },
): MemberJoinedEvent {
  return { type: "memberJoined", joined: { members: userSources(input.userIds) }, ...replied(input) };
}

/** Users left a group or room the bot is in; no reply token, as the users are gone. */
export function buildMemberLeftEvent(
  input: { timestamp?: number; source: GroupSource | RoomSource; userIds: readonly string[] },
): MemberLeftEvent {
  return { type: "memberLeft", left: { members: userSources(input.userIds) }, ...common(input) };
}

function userSources(userIds: readonly string[]): UserSource[] {
  return userIds.map((userId) => ({ type: "user", userId }));
}

/** A user tapped a postback action; `data` is the action's data string, `params` what it picked. */
export function buildPostbackEvent(input: EventInput & ModeInput & { data: string; params?: PostbackParams }): PostbackEvent {
  return {
    type: "postback",
    postback: input.params ? { data: input.data, params: input.params } : { data: input.data },
    ...replyable(input, input.mode),
  };
}

/** A user unsent a message they had sent; the bot should forget its content. */
export function buildUnsendEvent(input: EventInput & { messageId: string }): UnsendEvent {
  return { type: "unsend", unsend: { messageId: input.messageId }, ...common(input) };
}

/** A user watched to the end a video the bot sent with this `trackingId`. */
export function buildVideoPlayCompleteEvent(input: EventInput & { trackingId: string }): VideoPlayCompleteEvent {
  return { type: "videoPlayComplete", videoPlayComplete: { trackingId: input.trackingId }, ...replied(input) };
}

/** A user came near one of the bot's LINE Beacons (`hwid`), or tapped its banner. */
export function buildBeaconEvent(
  input: EventInput & { hwid: string; beaconType: BeaconType; dm?: string },
): BeaconEvent {
  const beacon = input.dm ? { hwid: input.hwid, type: input.beaconType, dm: input.dm } : { hwid: input.hwid, type: input.beaconType };
  return { type: "beacon", beacon, ...replied(input) };
}

/**
 * A user linked their LINE account to the bot's service. LINE sends no reply token when the
 * linking failed.
 */
export function buildAccountLinkEvent(input: EventInput & { result: "ok" | "failed"; nonce: string }): AccountLinkEvent {
  const link = { result: input.result, nonce: input.nonce };
  return { type: "accountLink", link, ...(input.result === "ok" ? replied(input) : common(input)) };
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

/** Who an event came from, as the Delivery log files a send under it. */
export type SourceFacts = { sourceUserId: string | null; sourceGroupId: string | null };

/**
 * The user, and the group or room, of an event's `source`; whatever is missing or not a string
 * is null rather than guessed.
 */
export function sourceFacts(source: unknown): SourceFacts {
  const from = typeof source === "object" && source !== null ? (source as Record<string, unknown>) : {};
  return { sourceUserId: text(from.userId) ?? null, sourceGroupId: text(from.groupId) ?? text(from.roomId) ?? null };
}

/**
 * The type and source of an event's JSON. Events from the API may have any source LINE sends
 * (user, group, room); whatever is not a string is left out rather than guessed.
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
  const facts: EventFacts = {};
  const eventType = text(type);
  const { sourceUserId, sourceGroupId } = sourceFacts(source);
  if (eventType) facts.eventType = eventType;
  if (sourceUserId) facts.sourceUserId = sourceUserId;
  if (sourceGroupId) facts.sourceGroupId = sourceGroupId;
  return facts;
}
