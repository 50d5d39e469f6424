import "server-only";
import { parseEventStatus, type EventStatus } from "../delivery/lifecycle";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "../db";
import { acceptEvents, eventSpecSchema, type AcceptedEvents } from "../delivery/ingest";
import { NotFoundError, parseInput } from "../errors";
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

const displayName = z.string().trim().min(1, "Enter a display name.").max(20, "A display name has at most 20 characters.");

/** Makes up a LINE user for the channel, with a fresh user ID (any member, Testers included). */
export async function createSimulatedUser(access: ChannelAccess, name: string): Promise<SimulatedUserView> {
  const parsed = parseInput(displayName, name);
  return db().simulatedUser.create({
    data: { id: `U${randomBytes(16).toString("hex")}`, channelId: access.channel.id, displayName: parsed },
    select: { id: true, displayName: true },
  });
}

/** A simulated user does something in the chat; the event is accepted for delivery. */
export async function sendSimulatedEvent(access: ChannelAccess, input: unknown): Promise<AcceptedEvents> {
  const spec = parseInput(eventSpecSchema, input);
  const channelId = access.channel.id;
  const simulated = await db().simulatedUser.findFirst({ where: { id: spec.userId, channelId }, select: { id: true } });
  if (!simulated) throw new NotFoundError("This simulated user does not exist.");
  return await acceptEvents(access.channel, [spec], "simulator");
}

export type RecentEvent = {
  webhookEventId: string;
  type: string;
  summary: string;
  userId: string;
  status: EventStatus;
  createdAt: Date;
  attempts: number;
  last: { success: boolean; statusCode: number | null; reason: string | null; detail: string | null; durationMs: number } | null;
};

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
    const event = JSON.parse(row.event) as {
      source: { userId: string };
      message?: { text: string };
      postback?: { data: string };
    };
    const last = lastById.get(row.webhookEventId);
    return {
      webhookEventId: row.webhookEventId,
      type: row.type,
      summary: event.message?.text ?? event.postback?.data ?? "",
      userId: event.source.userId,
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
