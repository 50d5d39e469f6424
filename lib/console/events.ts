import "server-only";
import { listAttempts, type AttemptView } from "./attempts";
import { getRoleOrThrow } from "./channels";
import { db } from "../db";
import { canTransition, EVENT_TRANSITIONS, EventStatus, parseEventStatus } from "../delivery/lifecycle";
import { notifyDispatcher } from "../delivery/runtime";
import { ForbiddenError, InputError, NotFoundError } from "../errors";
import { canManageChannel, canReadSettings } from "./roles";

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
export async function getEventHistory(userId: string, channelId: string, webhookEventId: string): Promise<EventHistory> {
  const role = await getRoleOrThrow(userId, channelId);
  if (!canReadSettings(role)) throw new NotFoundError("This event does not exist.");
  const event = await db().webhookEvent.findFirst({
    where: { webhookEventId, channelId },
    select: { webhookEventId: true, type: true, status: true, origin: true, createdAt: true, nextAttemptAt: true, event: true },
  });
  if (!event) throw new NotFoundError("This event does not exist.");
  const attempts = await listAttempts(userId, channelId, { webhookEventId, limit: 100 });
  const { event: json, ...rest } = event;
  const status = parseEventStatus(event.status);
  return {
    ...rest,
    status,
    json: JSON.stringify(JSON.parse(json), null, 2),
    attempts: attempts.reverse(),
    canRedeliver: canManageChannel(role) && canTransition("redeliverNow", status, EventStatus.retrying),
  };
}

/**
 * Sends a failed event again now, as a redelivery (Admins). It goes to the bot with
 * `isRedelivery: true`, like a scheduled try.
 */
export async function redeliverEvent(actorId: string, channelId: string, webhookEventId: string): Promise<void> {
  const role = await getRoleOrThrow(actorId, channelId);
  if (!canManageChannel(role)) throw new ForbiddenError();
  const channel = await db().channel.findUniqueOrThrow({ where: { id: channelId }, select: { useWebhook: true } });
  if (!channel.useWebhook) throw new InputError("Turn on Use webhook first: nothing is sent while it is off.");
  const { count } = await db().webhookEvent.updateMany({
    where: { webhookEventId, channelId, status: { in: [...EVENT_TRANSITIONS.redeliverNow.from] } },
    data: { status: EVENT_TRANSITIONS.redeliverNow.to[0], nextAttemptAt: new Date() },
  });
  if (count === 0) throw new InputError("Only a failed event can be redelivered.");
  notifyDispatcher(channelId);
}
