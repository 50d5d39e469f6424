import { randomBytes } from "node:crypto";
import { z } from "zod";
import {
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
  type GroupSource,
  type MediaInput,
  type RoomSource,
  type Source,
  sourceFacts,
  type WebhookEvent,
  WEBHOOK_EVENT_TYPES,
} from "../webhook/payload";
import { countAcceptedEvents } from "../operations/metrics";
import { InputError } from "../errors";
import { EventStatus } from "./lifecycle";
import { deliveryStore, insertEvents, notifyDispatcher } from "./runtime";
import type { NewEvent } from "./store";
import { contentRowOf, keepContents, type ContentRow } from "../messaging/content";

export const MAX_EVENTS_PER_REQUEST = 1000;

/** What accepting events needs to know of a channel, or null when there is no such channel. */
export async function getIngestChannel(channelId: string): Promise<{ id: string; useWebhook: boolean } | null> {
  return deliveryStore().channel(channelId);
}

const userId = z.string().regex(/^U[0-9a-f]{32}$/, "must be U followed by 32 lowercase hex digits");
const groupId = z.string().regex(/^C[0-9a-f]{32}$/, "must be C followed by 32 lowercase hex digits");
const roomId = z.string().regex(/^R[0-9a-f]{32}$/, "must be R followed by 32 lowercase hex digits");
const messageId = z.string().regex(/^[0-9]{1,20}$/, "must be a message ID: decimal digits");
const mode = z.enum(["active", "standby"], { error: 'mode must be "active" or "standby"' }).optional();
const text = z.string().min(1).max(5000);

/** A user's doing, in their one-to-one chat with the bot, or in a group (`groupId`) or room (`roomId`). */
const byUser = { userId, groupId: groupId.optional(), roomId: roomId.optional() };
/** What happens to a group (`groupId`) or room (`roomId`) itself. */
const toChat = { groupId: groupId.optional(), roomId: roomId.optional() };

type ChatIds = { groupId?: string; roomId?: string };

function atMostOneChat(spec: ChatIds, ctx: z.RefinementCtx): void {
  if (spec.groupId && spec.roomId) ctx.addIssue({ code: "custom", path: ["roomId"], message: "give groupId or roomId, not both" });
}

function exactlyOneChat(spec: ChatIds, ctx: z.RefinementCtx): void {
  if (!spec.groupId && !spec.roomId) ctx.addIssue({ code: "custom", path: ["groupId"], message: "groupId or roomId is required" });
  atMostOneChat(spec, ctx);
}

/** Emojis and mentions point into the text; each must lie within it. */
function withinText(spec: TextSpec, ctx: z.RefinementCtx): void {
  if (spec.text === undefined) return;
  const length = spec.text.length;
  spec.emojis?.forEach((emoji, i) => {
    if (emoji.index + emoji.length > length) {
      ctx.addIssue({ code: "custom", path: ["emojis", i], message: "must lie within the text (index + length <= text length)" });
    }
  });
  spec.mention?.mentionees.forEach((mentionee, i) => {
    if (mentionee.index + mentionee.length > length) {
      ctx.addIssue({
        code: "custom",
        path: ["mention", "mentionees", i],
        message: "must lie within the text (index + length <= text length)",
      });
    }
  });
}

const position = { index: z.int().min(0), length: z.int().min(1) };
const emojis = z
  .array(z.object({ ...position, productId: z.string().min(1).max(100), emojiId: z.string().min(1).max(100) }).strict())
  .min(1)
  .max(20)
  .optional();
const mention = z
  .object({
    mentionees: z
      .array(
        z.discriminatedUnion(
          "type",
          [
            z.object({ type: z.literal("user"), ...position, userId: userId.optional(), isSelf: z.boolean().optional() }).strict(),
            z.object({ type: z.literal("all"), ...position }).strict(),
          ],
          { error: 'type must be "user" or "all"' },
        ),
      )
      .min(1)
      .max(20),
  })
  .strict()
  .optional();
const textFields = { text, emojis, mention };
type TextSpec = { text?: string; emojis?: z.infer<typeof emojis>; mention?: z.infer<typeof mention> };

/** Milliseconds of a video or audio message; LINE's clients send whole milliseconds. */
const duration = z.int().min(1).max(24 * 60 * 60 * 1000);

/** A message other than text, as its `message` object: what LINE's message holds besides its ID. */
const messageContentSpec = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("image") }).strict(),
    z.object({ type: z.literal("video"), duration: duration.optional() }).strict(),
    z.object({ type: z.literal("audio"), duration: duration.optional() }).strict(),
    z.object({ type: z.literal("file"), fileName: z.string().min(1).max(255), fileSize: z.int().min(0) }).strict(),
    z
      .object({
        type: z.literal("location"),
        title: z.string().min(1).max(100).optional(),
        address: z.string().min(1).max(100).optional(),
        latitude: z.number().min(-90).max(90),
        longitude: z.number().min(-180).max(180),
      })
      .strict(),
    z
      .object({
        type: z.literal("sticker"),
        packageId: z.string().regex(/^[0-9]{1,20}$/, "must be decimal digits"),
        stickerId: z.string().regex(/^[0-9]{1,20}$/, "must be decimal digits"),
        stickerResourceType: z
          .enum([
            "STATIC",
            "ANIMATION",
            "SOUND",
            "ANIMATION_SOUND",
            "POPUP",
            "POPUP_SOUND",
            "CUSTOM",
            "MESSAGE",
            "NAME_TEXT",
            "PER_STICKER_TEXT",
          ])
          .optional(),
        keywords: z.array(z.string().min(1).max(100)).max(20).optional(),
        text: z.string().min(1).max(100).optional(),
      })
      .strict(),
  ],
  { error: 'type must be one of "image", "video", "audio", "file", "location", "sticker" (a text message takes text instead of message)' },
);

/** The date and time pickers' formats, and a rich menu switch's result, as LINE sends them in `params`. */
const date = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
const time = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const datetime = new RegExp(`^${date.source.slice(1, -1)}T${time.source.slice(1, -1)}$`);
const postbackParams = z.union(
  [
    z.object({ date: z.string().regex(date, "must be a date, as 2025-01-31") }).strict(),
    z.object({ time: z.string().regex(time, "must be a time, as 23:59") }).strict(),
    z.object({ datetime: z.string().regex(datetime, "must be a date and time, as 2025-01-31T23:59") }).strict(),
    z
      .object({
        newRichMenuAliasId: z.string().min(1).max(32),
        status: z.enum(["SUCCESS", "RICHMENU_ALIAS_ID_NOTFOUND", "RICHMENU_NOTFOUND", "FAILED"]),
      })
      .strict(),
  ],
  {
    error:
      'params must be one of {"date":"2025-01-31"}, {"time":"23:59"}, {"datetime":"2025-01-31T23:59"} or {"newRichMenuAliasId":"...","status":"SUCCESS"}',
  },
);


const members = z.array(userId).min(1).max(100);

/**
 * An event to simulate, as scripts and the Simulator describe it. Follow, unfollow, beacon and
 * account link events come from a user's one-to-one chat; join, leave and member events from a
 * group or room; messageEdited from a group only, as LINE sends them.
 */
export const eventSpecSchema = z.discriminatedUnion(
  "type",
  [
    z
      .object({
        type: z.literal("message"),
        ...byUser,
        mode,
        text: text.optional(),
        emojis,
        mention,
        quotedMessageId: messageId.optional(),
        message: messageContentSpec.optional(),
      })
      .strict()
      .superRefine((spec, ctx) => {
        atMostOneChat(spec, ctx);
        if (spec.text === undefined && spec.message === undefined) {
          ctx.addIssue({ code: "custom", path: ["text"], message: "text is required, or message for a message other than text" });
        }
        const hasText = spec.text !== undefined || spec.emojis || spec.mention || spec.quotedMessageId;
        if (spec.message && hasText) {
          ctx.addIssue({ code: "custom", path: ["message"], message: "give text (with emojis and mention) or message, not both" });
        }
        withinText(spec, ctx);
      }),
    z
      .object({ type: z.literal("messageEdited"), userId, groupId, messageId, ...textFields })
      .strict()
      .superRefine(withinText),
    z.object({ type: z.literal("follow"), userId, isUnblocked: z.boolean().optional() }).strict(),
    z.object({ type: z.literal("unfollow"), userId }).strict(),
    z.object({ type: z.literal("join"), ...toChat }).strict().superRefine(exactlyOneChat),
    z.object({ type: z.literal("leave"), ...toChat }).strict().superRefine(exactlyOneChat),
    z.object({ type: z.literal("memberJoined"), ...toChat, userIds: members }).strict().superRefine(exactlyOneChat),
    z.object({ type: z.literal("memberLeft"), ...toChat, userIds: members }).strict().superRefine(exactlyOneChat),
    z
      .object({ type: z.literal("postback"), ...byUser, mode, data: z.string().min(1).max(300), params: postbackParams.optional() })
      .strict()
      .superRefine(atMostOneChat),
    z.object({ type: z.literal("unsend"), ...byUser, messageId }).strict().superRefine(atMostOneChat),
    z
      .object({ type: z.literal("videoPlayComplete"), ...byUser, trackingId: z.string().min(1).max(100) })
      .strict()
      .superRefine(atMostOneChat),
    z
      .object({
        type: z.literal("beacon"),
        userId,
        hwid: z.string().regex(/^[0-9a-f]{10}$/, "must be 10 lowercase hex digits"),
        beaconType: z.enum(["enter", "banner", "stay"], { error: 'beaconType must be "enter", "banner" or "stay"' }).optional(),
        dm: z
          .string()
          .regex(/^([0-9a-f]{2}){1,13}$/, "must be at most 13 bytes in lowercase hex")
          .optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal("accountLink"),
        userId,
        result: z.enum(["ok", "failed"], { error: 'result must be "ok" or "failed"' }).optional(),
        nonce: z.string().min(1).max(255).optional(),
      })
      .strict(),
  ],
  { error: `type must be one of ${WEBHOOK_EVENT_TYPES.map((t) => `"${t}"`).join(", ")}` },
);

export type EventSpec = z.infer<typeof eventSpecSchema>;

export const eventBatchSchema = z
  .object({
    events: z
      .array(eventSpecSchema)
      .min(1, "events must hold at least one event")
      .max(MAX_EVENTS_PER_REQUEST, `events may hold at most ${MAX_EVENTS_PER_REQUEST} events`),
  })
  .strict();

/** Where a spec's event happens: its group or room, with the user when one acts. */
function sourceOf(spec: { userId?: string } & ChatIds): Source {
  if (spec.groupId || spec.roomId) return chatOf(spec);
  if (!spec.userId) throw new InputError("An event needs a userId, a groupId or a roomId.");
  return { type: "user", userId: spec.userId };
}

function chatOf(spec: { userId?: string } & ChatIds): GroupSource | RoomSource {
  const member = spec.userId ? { userId: spec.userId } : {};
  if (spec.groupId) return { type: "group", groupId: spec.groupId, ...member };
  if (spec.roomId) return { type: "room", roomId: spec.roomId, ...member };
  throw new InputError("This event needs a groupId or a roomId.");
}

/** A video's or audio's length when the spec gives none. */
const DEFAULT_DURATION_MS = 10_000;

/** The message a spec describes, with a default where the spec leaves a field out. */
function mediaOf(message: z.infer<typeof messageContentSpec>): MediaInput {
  switch (message.type) {
    case "video":
    case "audio":
      return { type: message.type, duration: message.duration ?? DEFAULT_DURATION_MS };
    case "sticker":
      return { ...message, stickerResourceType: message.stickerResourceType ?? "STATIC" };
    default:
      return message;
  }
}

/** Builds the LINE event for a spec. */
export function buildEvent(spec: EventSpec, timestamp: number): WebhookEvent {
  switch (spec.type) {
    case "message": {
      // Each field named rather than shared fields spread in: a spread into a new object with
      // more fields costs more than building the rest of the event, and scripts send thousands.
      const source = sourceOf(spec);
      const { mode } = spec;
      if (spec.message) return buildMediaMessageEvent({ source, timestamp, mode, media: mediaOf(spec.message) });
      if (spec.text === undefined) throw new InputError("A message needs text, or message for a message other than text.");
      const { text, emojis, mention, quotedMessageId } = spec;
      return buildTextMessageEvent({ source, timestamp, mode, text, emojis, mention, quotedMessageId });
    }
    case "messageEdited":
      return buildMessageEditedEvent({
        source: { type: "group", groupId: spec.groupId, userId: spec.userId },
        messageId: spec.messageId,
        text: spec.text,
        emojis: spec.emojis,
        mention: spec.mention,
        timestamp,
      });
    case "follow":
      return buildFollowEvent({ userId: spec.userId, isUnblocked: spec.isUnblocked, timestamp });
    case "unfollow":
      return buildUnfollowEvent({ userId: spec.userId, timestamp });
    case "join":
      return buildJoinEvent({ source: chatOf(spec), timestamp });
    case "leave":
      return buildLeaveEvent({ source: chatOf(spec), timestamp });
    case "memberJoined":
      return buildMemberJoinedEvent({ source: chatOf(spec), userIds: spec.userIds, timestamp });
    case "memberLeft":
      return buildMemberLeftEvent({ source: chatOf(spec), userIds: spec.userIds, timestamp });
    case "postback":
      return buildPostbackEvent({ source: sourceOf(spec), mode: spec.mode, data: spec.data, params: spec.params, timestamp });
    case "unsend":
      return buildUnsendEvent({ source: sourceOf(spec), messageId: spec.messageId, timestamp });
    case "videoPlayComplete":
      return buildVideoPlayCompleteEvent({ source: sourceOf(spec), trackingId: spec.trackingId, timestamp });
    case "beacon":
      return buildBeaconEvent({ userId: spec.userId, hwid: spec.hwid, beaconType: spec.beaconType ?? "enter", dm: spec.dm, timestamp });
    case "accountLink":
      return buildAccountLinkEvent({
        userId: spec.userId,
        result: spec.result ?? "ok",
        // The bot issued the nonce when it started the linking; a made-up one stands in when not given.
        nonce: spec.nonce ?? randomBytes(16).toString("base64url"),
        timestamp,
      });
  }
}

export type AcceptedEvents = { webhookEventIds: string[]; willSend: boolean };

/**
 * Makes LINE events from specs and writes them durably before returning; the dispatcher sends
 * them afterwards. While Use webhook is off they are kept as skipped and never sent.
 */
export async function acceptEvents(
  channel: { id: string; useWebhook: boolean },
  specs: readonly EventSpec[],
  origin: NewEvent["origin"],
  now: number = Date.now(),
): Promise<AcceptedEvents> {
  const { accepted } = await storeBatch(channel, specs, origin, now);
  return accepted;
}

/**
 * What a request with a retry key did: stored its batch, or, when the key already stored one
 * within 24 hours, stored nothing (`repeatOf` is then the earlier request's X-Line-Request-Id
 * and `accepted` its batch).
 */
export type RetriedBatch = { accepted: AcceptedEvents; repeatOf?: string };

/**
 * `acceptEvents` for a request with an `X-Line-Retry-Key`: the key is written with the events,
 * in their transaction, and a repeat within 24 hours stores nothing and gets the first batch.
 */
export async function acceptEventsOnce(
  channel: { id: string; useWebhook: boolean },
  specs: readonly EventSpec[],
  retry: { key: string; requestId: string },
  now: number = Date.now(),
): Promise<RetriedBatch> {
  return storeBatch(channel, specs, "api", now, retry);
}

async function storeBatch(
  channel: { id: string; useWebhook: boolean },
  specs: readonly EventSpec[],
  origin: NewEvent["origin"],
  now: number,
  retry?: { key: string; requestId: string },
): Promise<RetriedBatch> {
  const willSend = channel.useWebhook;
  const status = willSend ? EventStatus.pending : EventStatus.skipped;
  // Scripts' images, videos, audio and files have content for their bot to fetch, as the Simulator's do.
  const contents: ContentRow[] = [];
  // Each event becomes its row at once, and nothing here refers to the events or the rows once
  // they are handed over: a request's thousand events are then garbage while their insert is
  // awaited, rather than live objects that every young-generation collection meanwhile copies.
  const rows = specs.map((spec): NewEvent => {
    const event = buildEvent(spec, now);
    if (origin === "api") {
      const content = contentRowOf(channel.id, event);
      if (content) contents.push(content);
    }
    const { sourceUserId, sourceGroupId } = sourceFacts(event.source);
    return {
      webhookEventId: event.webhookEventId,
      channelId: channel.id,
      type: event.type,
      event: JSON.stringify(event),
      sourceUserId,
      sourceGroupId,
      status,
      origin,
      createdAt: now,
    };
  });
  const webhookEventIds = rows.map((r) => r.webhookEventId);
  const retryKey = retry && { channelId: channel.id, key: retry.key, requestId: retry.requestId, willSend, now };
  const earlier = await insertEvents(rows, retryKey);
  if (earlier) {
    return { accepted: { webhookEventIds: earlier.webhookEventIds, willSend: earlier.willSend }, repeatOf: earlier.requestId };
  }
  await keepContents(contents);
  countAcceptedEvents(origin, webhookEventIds.length);
  if (willSend) notifyDispatcher(channel.id);
  return { accepted: { webhookEventIds, willSend } };
}
