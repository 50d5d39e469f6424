import "server-only";
import { listAttempts, type AttemptView } from "./attempts";
import { db } from "../db";
import { canTransition, EVENT_TRANSITIONS, EventStatus, parseEventStatus } from "../delivery/lifecycle";
import { notifyDispatcher } from "../delivery/runtime";
import { InputError, NotFoundError } from "../errors";
import { assertCan, can, type ChannelAccess } from "./access";

export type EventHistory = {
  webhookEventId: string;
  type: string;
  status: EventStatus;
  origin: string;
  createdAt: Date;
  nextAttemptAt: Date | null;
  /** The event as first sent, pretty-printed. */
  json: string;
  /** First send and redeliveries, oldest first. */
  attempts: AttemptView[];
  canRedeliver: boolean;
};

/** One event's history: what was sent and every send of it (Admins and Members). */
export async function getEventHistory(access: ChannelAccess, webhookEventId: string): Promise<EventHistory> {
  assertCan(access, "read");
  const event = await db().webhookEvent.findFirst({
    where: { webhookEventId, channelId: access.channel.id },
    select: { webhookEventId: true, type: true, status: true, origin: true, createdAt: true, nextAttemptAt: true, event: true },
  });
  if (!event) throw new NotFoundError({ key: "eventNotFound" });
  // Its sends as an event: an edited test send of it is not one of them.
  const attempts = await listAttempts(access, { webhookEventId, kind: "event", limit: 100 });
  const { event: json, ...rest } = event;
  const status = parseEventStatus(event.status);
  return {
    ...rest,
    status,
    json: JSON.stringify(JSON.parse(json), null, 2),
    attempts: attempts.reverse(),
    canRedeliver: can(access, "manage") && canTransition("redeliverNow", status, EventStatus.retrying),
  };
}

/**
 * Sends a failed event again now, as a redelivery (Admins). It goes to the bot with
 * `isRedelivery: true`, like a scheduled try.
 */
export async function redeliverEvent(access: ChannelAccess, webhookEventId: string): Promise<void> {
  assertCan(access, "manage");
  const channelId = access.channel.id;
  if (!access.channel.useWebhook) throw new InputError({ key: "webhookOffNothingSent" });
  const { count } = await db().webhookEvent.updateMany({
    where: { webhookEventId, channelId, status: { in: [...EVENT_TRANSITIONS.redeliverNow.from] } },
    data: { status: EVENT_TRANSITIONS.redeliverNow.to[0], nextAttemptAt: new Date() },
  });
  if (count === 0) throw new InputError({ key: "onlyFailedRedelivered" });
  notifyDispatcher(channelId);
}
