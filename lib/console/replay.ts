import "server-only";
import { z } from "zod";
import { db } from "../db";
import { attemptFromResult } from "../delivery/attempt-record";
import { EVENT_TRANSITIONS, EventStatus } from "../delivery/lifecycle";
import { deliveryStore, notifyDispatcher, sendSettings } from "../delivery/runtime";
import { formatUserText, InputError, listProblems } from "../errors";
import { DEFAULT_LOCALE, type Locale } from "../i18n/locales";
import { translator } from "../i18n/messages";
import { eventFacts } from "../webhook/payload";
import { sendWebhook, WEBHOOK_CONTENT_TYPE, WEBHOOK_USER_AGENT } from "../webhook/sender";
import { signBody } from "../webhook/signature";
import { assertCan, type ChannelAccess } from "./access";
import { filterWhere, getSendDetail } from "./attempts";
import { EVENT_TYPES, type DeliveryLogFilter } from "./delivery-log-search";

/**
 * How long after its event a reply token can be relied on: LINE guarantees a reply only within
 * about a minute of the webhook (docs/line-behaviour.md).
 */
export const REPLY_TOKEN_LIFETIME_MS = 60_000;

/** The most events one bulk redelivery takes. */
export const BULK_REDELIVERY_CAP = 10_000;

const userId = z.string().regex(/^U[0-9a-f]{32}$/, "must be U and 32 hex digits");
const sourceSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("user"), userId }),
    z.object({ type: z.literal("group"), groupId: z.string().regex(/^C[0-9a-f]{32}$/, "must be C and 32 hex digits"), userId: userId.optional() }),
    z.object({ type: z.literal("room"), roomId: z.string().regex(/^R[0-9a-f]{32}$/, "must be R and 32 hex digits"), userId: userId.optional() }),
  ],
  { error: 'source.type must be "user", "group" or "room"' },
);

// The events that carry a reply token (docs/line-behaviour.md#webhook-request).
const REPLYABLE = new Set(["message", "follow", "join", "memberJoined", "postback", "beacon", "accountLink", "things", "videoPlayComplete"]);

/** A webhook event as LINE sends one: the common fields, checked; the type's own fields kept as they are. */
const webhookEventSchema = z
  .looseObject({
    type: z.enum(EVENT_TYPES, { error: `type must be one of ${EVENT_TYPES.join(", ")}` }),
    mode: z.enum(["active", "standby"], { error: 'mode must be "active" or "standby"' }),
    timestamp: z.number({ error: "timestamp must be a number (milliseconds since the epoch)" }).int().nonnegative(),
    source: sourceSchema.optional(),
    webhookEventId: z.string({ error: "webhookEventId must be a string" }).min(1).max(64),
    deliveryContext: z.object({ isRedelivery: z.boolean({ error: "deliveryContext.isRedelivery must be true or false" }) }),
    replyToken: z.string().min(1).optional(),
    message: z.looseObject({ type: z.string(), id: z.string() }).optional(),
    postback: z.looseObject({ data: z.string() }).optional(),
  })
  .superRefine((event, ctx) => {
    if (event.type === "message" && !event.message) ctx.addIssue({ code: "custom", path: ["message"], message: "a message event needs a message" });
    if (event.type === "postback" && !event.postback) ctx.addIssue({ code: "custom", path: ["postback"], message: "a postback event needs a postback" });
    if (event.message?.type === "text" && typeof event.message.text !== "string") {
      ctx.addIssue({ code: "custom", path: ["message", "text"], message: "a text message needs its text" });
    }
    if (REPLYABLE.has(event.type) && event.mode === "active" && event.replyToken === undefined) {
      ctx.addIssue({ code: "custom", path: ["replyToken"], message: `a ${event.type} event needs a replyToken` });
    }
  });

export type EditedEvent = { ok: true; event: Record<string, unknown> & { timestamp: number; replyToken?: string } } | { ok: false; problems: string[] };

/** Reads an event edited by hand: JSON, one event (not a request body), valid by LINE's webhook schema. */
export function parseEditedEvent(text: string): EditedEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`The event is not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (typeof value === "object" && value !== null && "events" in value && "destination" in value) {
    return { ok: false, problems: ["Edit one event, not the whole request body: the console adds destination and events around it."] };
  }
  const parsed = webhookEventSchema.safeParse(value);
  if (!parsed.success) return { ok: false, problems: listProblems(parsed.error).map((p) => (p.property ? `${p.property}: ${p.message}` : p.message)) };
  return { ok: true, event: parsed.data };
}

/** A warning when an event's reply token is too old for the bot to reply with, or null. */
export function replyTokenWarning(event: { replyToken?: unknown; timestamp: number }, now: number, locale: Locale = DEFAULT_LOCALE): string | null {
  if (typeof event.replyToken !== "string") return null;
  const age = now - event.timestamp;
  if (age <= REPLY_TOKEN_LIFETIME_MS) return null;
  const t = translator(locale, "meaning");
  const minutes = Math.floor(age / 60_000);
  const ago = minutes >= 120 ? t("hours", { n: Math.floor(minutes / 60) }) : t("minutes", { n: minutes });
  return t("staleReplyToken", { age: ago });
}

/** Puts a text in single quotes for a POSIX shell, exactly: a quote inside becomes '\''. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A curl command that sends `body` to `url` as LINE does, signed with `signature`. */
export function curlCommand(url: string, body: string, signature: string): string {
  return [
    `curl -X POST ${shellQuote(url)}`,
    `-H ${shellQuote(`Content-Type: ${WEBHOOK_CONTENT_TYPE}`)}`,
    `-H ${shellQuote(`User-Agent: ${WEBHOOK_USER_AGENT}`)}`,
    `-H ${shellQuote(`x-line-signature: ${signature}`)}`,
    `--data-binary ${shellQuote(body)}`,
  ].join(" \\\n  ");
}

/**
 * A send as a runnable curl command (Admins and Members): the exact body, to the URL it went to,
 * signed with the channel's current secret, so the bot's signature check accepts it even after a
 * Reissue. The secret itself never leaves the server.
 */
export async function sendAsCurl(access: ChannelAccess, attemptId: number): Promise<string> {
  assertCan(access, "read");
  const send = await getSendDetail(access, attemptId);
  if (!send.bodyComplete) throw new InputError({ key: "bodyTruncated" });
  const { channelSecret } = await db().channel.findUniqueOrThrow({ where: { id: access.channel.id }, select: { channelSecret: true } });
  return curlCommand(send.url, send.body, signBody(channelSecret, send.body));
}

export type EditedSendResult = { success: boolean; statusCode: number | null; message: string; warning: string | null };

/**
 * Sends an event edited by hand to the channel's current Webhook URL (Admins): validated by
 * LINE's webhook schema, wrapped in a body for the channel's bot, signed with its secret. It is a
 * test send, marked as edited in the log and never counted in error statistics.
 */
export async function sendEditedEvent(access: ChannelAccess, text: string, now = Date.now(), locale: Locale = DEFAULT_LOCALE): Promise<EditedSendResult> {
  assertCan(access, "manage");
  const parsed = parseEditedEvent(text);
  if (!parsed.ok) throw new InputError({ key: "eventNotSent", values: { problems: parsed.problems.join(" ") } });
  const channel = await db().channel.findUniqueOrThrow({
    where: { id: access.channel.id },
    select: { id: true, botUserId: true, channelSecret: true, webhookUrl: true },
  });
  if (!channel.webhookUrl) throw new InputError({ key: "setWebhookUrlFirst" });
  const eventJson = JSON.stringify(parsed.event);
  const body = `{"destination":${JSON.stringify(channel.botUserId)},"events":[${eventJson}]}`;
  const startedAt = Date.now();
  const result = await sendWebhook({ ...sendSettings(), url: channel.webhookUrl, body, secret: channel.channelSecret });
  await deliveryStore().recordCheck(
    attemptFromResult(result, {
      channelId: channel.id,
      webhookEventId: String(parsed.event.webhookEventId),
      kind: "test",
      isRedelivery: (parsed.event.deliveryContext as { isRedelivery: boolean }).isRedelivery,
      url: channel.webhookUrl,
      startedAt,
      body,
      isEdited: true,
      ...eventFacts(eventJson),
    }),
  );
  const success = translator(locale, "log")("outcomes.success");
  const outcome = result.ok ? `${success} · ${result.statusCode}` : (result.refusal ?? `${result.reason} · ${result.detail}`);
  return { success: result.ok, statusCode: result.statusCode ?? null, message: outcome, warning: replyTokenWarning(parsed.event, now, locale) };
}

/** What a bulk redelivery would take: failed events behind the filter's failed sends. */
export type BulkPreview = {
  events: number;
  byFailure: { reason: string; detail: string; events: number }[];
  /** The first and last failed send among them. */
  firstAt: Date | null;
  lastAt: Date | null;
  staleReplyTokens: number;
  /** Set when the selection is over the cap: the sentence saying so. */
  refusal: string | null;
  /** The events, in arrival order, when the run may go ahead. */
  webhookEventIds: string[];
};

/** How many failed sends a preview reads at most, several per event at worst. */
const MAX_FAILED_SENDS = 5 * BULK_REDELIVERY_CAP;
const CHUNK = 500;

/**
 * The failed events a bulk redelivery of the Delivery log's filter would queue, and what they are
 * (Admins): the filter's failed event sends, each event once, by the reason and detail of its
 * last failed send; only events that failed for good (no redelivery scheduled) can be queued.
 */
export async function previewBulkRedelivery(
  access: ChannelAccess,
  filter: DeliveryLogFilter,
  now = Date.now(),
  locale: Locale = DEFAULT_LOCALE,
): Promise<BulkPreview> {
  assertCan(access, "manage");
  if (filter.payload !== null) throw new InputError({ key: "bulkNoPayload" });
  if (filter.outcome === "success" || (filter.kind !== null && filter.kind !== "event")) {
    throw new InputError({ key: "bulkFailedOnly" });
  }
  const channelId = access.channel.id;
  const failedSends = await db().deliveryAttempt.findMany({
    where: { AND: [filterWhere(channelId, filter), { kind: "event", success: false, reason: { not: null }, webhookEventId: { not: null } }] },
    orderBy: { id: "asc" },
    take: MAX_FAILED_SENDS + 1,
    select: { webhookEventId: true, reason: true, detail: true, startedAt: true },
  });
  if (failedSends.length > MAX_FAILED_SENDS) {
    return refused(formatUserText({ key: "bulkTooManySends", values: { sends: MAX_FAILED_SENDS, cap: BULK_REDELIVERY_CAP } }, locale));
  }
  const lastFailure = new Map<string, (typeof failedSends)[number]>();
  for (const send of failedSends) lastFailure.set(send.webhookEventId!, send);
  const ids = [...lastFailure.keys()];
  const failed: { webhookEventId: string; seq: number; event: string }[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    failed.push(
      ...(await db().webhookEvent.findMany({
        where: { channelId, webhookEventId: { in: ids.slice(i, i + CHUNK) }, status: EventStatus.failed },
        select: { webhookEventId: true, seq: true, event: true },
      })),
    );
  }
  if (failed.length > BULK_REDELIVERY_CAP) {
    return refused(formatUserText({ key: "bulkTooManyEvents", values: { events: failed.length, cap: BULK_REDELIVERY_CAP } }, locale), failed.length);
  }
  failed.sort((a, b) => a.seq - b.seq);
  const counts = new Map<string, { reason: string; detail: string; events: number }>();
  let firstAt: Date | null = null;
  let lastAt: Date | null = null;
  let stale = 0;
  for (const e of failed) {
    const send = lastFailure.get(e.webhookEventId)!;
    const key = `${send.reason}\u0000${send.detail}`;
    const entry = counts.get(key) ?? { reason: send.reason ?? "", detail: send.detail ?? "", events: 0 };
    entry.events += 1;
    counts.set(key, entry);
    if (firstAt === null || send.startedAt < firstAt) firstAt = send.startedAt;
    if (lastAt === null || send.startedAt > lastAt) lastAt = send.startedAt;
    const event = JSON.parse(e.event) as { replyToken?: unknown; timestamp: number };
    if (replyTokenWarning(event, now) !== null) stale += 1;
  }
  return {
    events: failed.length,
    byFailure: [...counts.values()].sort((a, b) => b.events - a.events),
    firstAt,
    lastAt,
    staleReplyTokens: stale,
    refusal: null,
    webhookEventIds: failed.map((e) => e.webhookEventId),
  };
}

function refused(refusal: string, events = 0): BulkPreview {
  return { events, byFailure: [], firstAt: null, lastAt: null, staleReplyTokens: 0, refusal, webhookEventIds: [] };
}

/**
 * Queues the previewed events as redeliveries now, in arrival order (Admins): each failed event
 * becomes a due redelivery, sent as LINE redelivers (same webhookEventId, isRedelivery true) and
 * counted like any send. Events that are no longer failed are left alone. Returns how many were queued.
 */
export async function startBulkRedelivery(access: ChannelAccess, webhookEventIds: readonly string[]): Promise<number> {
  assertCan(access, "manage");
  if (webhookEventIds.length > BULK_REDELIVERY_CAP) {
    throw new InputError({ key: "bulkCap", values: { cap: BULK_REDELIVERY_CAP } });
  }
  if (!access.channel.useWebhook) throw new InputError({ key: "webhookOffNothingSent" });
  const channelId = access.channel.id;
  const due = new Date();
  let queued = 0;
  // The dispatcher takes due redeliveries in arrival order (seq), whatever order they are queued in.
  for (let i = 0; i < webhookEventIds.length; i += CHUNK) {
    const { count } = await db().webhookEvent.updateMany({
      where: { channelId, webhookEventId: { in: webhookEventIds.slice(i, i + CHUNK) }, status: { in: [...EVENT_TRANSITIONS.redeliverNow.from] } },
      data: { status: EVENT_TRANSITIONS.redeliverNow.to[0], nextAttemptAt: due },
    });
    queued += count;
  }
  notifyDispatcher(channelId);
  return queued;
}

/** How a bulk redelivery's events stand: still to send, delivered, failed again (Admins). */
export async function bulkRedeliveryProgress(
  access: ChannelAccess,
  webhookEventIds: readonly string[],
): Promise<{ waiting: number; delivered: number; failed: number }> {
  assertCan(access, "manage");
  if (webhookEventIds.length > BULK_REDELIVERY_CAP) throw new InputError({ key: "tooManyToFollow" });
  const progress = { waiting: 0, delivered: 0, failed: 0 };
  for (let i = 0; i < webhookEventIds.length; i += CHUNK) {
    const groups = await db().webhookEvent.groupBy({
      by: ["status"],
      where: { channelId: access.channel.id, webhookEventId: { in: webhookEventIds.slice(i, i + CHUNK) } },
      _count: { _all: true },
    });
    for (const g of groups) {
      const n = g._count._all;
      if (g.status === EventStatus.delivered) progress.delivered += n;
      else if (g.status === EventStatus.failed || g.status === EventStatus.skipped) progress.failed += n;
      else progress.waiting += n;
    }
  }
  return progress;
}
