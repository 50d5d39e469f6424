import { z } from "zod";
import {
  buildFollowEvent,
  buildPostbackEvent,
  buildTextMessageEvent,
  buildUnfollowEvent,
  type WebhookEvent,
} from "../webhook/payload";
import { countAcceptedEvents } from "../operations/metrics";
import { EventStatus } from "./lifecycle";
import { deliveryStore, notifyDispatcher } from "./runtime";
import type { NewEvent } from "./store";

export const MAX_EVENTS_PER_REQUEST = 1000;

/** What accepting events needs to know of a channel, or null when there is no such channel. */
export async function getIngestChannel(channelId: string): Promise<{ id: string; useWebhook: boolean } | null> {
  return deliveryStore().channel(channelId);
}

const userId = z.string().regex(/^U[0-9a-f]{32}$/, "must be U followed by 32 lowercase hex digits");

/** An event to simulate, as scripts and the Simulator describe it. */
export const eventSpecSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("message"), userId, text: z.string().min(1).max(5000) }).strict(),
    z.object({ type: z.literal("follow"), userId, isUnblocked: z.boolean().optional() }).strict(),
    z.object({ type: z.literal("unfollow"), userId }).strict(),
    z
      .object({
        type: z.literal("postback"),
        userId,
        data: z.string().min(1).max(300),
        params: z.record(z.string(), z.string()).optional(),
      })
      .strict(),
  ],
  { error: 'type must be one of "message", "follow", "unfollow", "postback"' },
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

/** Builds the LINE event for a spec. */
export function buildEvent(spec: EventSpec, timestamp: number): WebhookEvent {
  switch (spec.type) {
    case "message":
      return buildTextMessageEvent({ userId: spec.userId, text: spec.text, timestamp });
    case "follow":
      return buildFollowEvent({ userId: spec.userId, isUnblocked: spec.isUnblocked, timestamp });
    case "unfollow":
      return buildUnfollowEvent({ userId: spec.userId, timestamp });
    case "postback":
      return buildPostbackEvent({ userId: spec.userId, data: spec.data, params: spec.params, timestamp });
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
  const rows: NewEvent[] = specs.map((spec) => {
    const event = buildEvent(spec, now);
    return {
      webhookEventId: event.webhookEventId,
      channelId: channel.id,
      type: event.type,
      event: JSON.stringify(event),
      status,
      origin,
      createdAt: now,
    };
  });
  const retryKey = retry && { channelId: channel.id, key: retry.key, requestId: retry.requestId, willSend, now };
  const earlier = await deliveryStore().insertEvents(rows, retryKey);
  if (earlier) {
    return { accepted: { webhookEventIds: earlier.webhookEventIds, willSend: earlier.willSend }, repeatOf: earlier.requestId };
  }
  countAcceptedEvents(origin, rows.length);
  if (willSend) notifyDispatcher(channel.id);
  return { accepted: { webhookEventIds: rows.map((r) => r.webhookEventId), willSend } };
}
