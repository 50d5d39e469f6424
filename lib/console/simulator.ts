import "server-only";
import { parseEventStatus, type EventStatus } from "../delivery/lifecycle";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { getRoleOrThrow } from "./channels";
import { db } from "../db";
import { acceptEvents, describeIssue, eventSpecSchema, type AcceptedEvents } from "../delivery/ingest";
import { InputError, NotFoundError } from "../errors";
import type { Role } from "./roles";

export type SimulatedUserView = { id: string; displayName: string };

/** The channel's simulated users, oldest first (any member). */
export async function listSimulatedUsers(userId: string, channelId: string): Promise<SimulatedUserView[]> {
  await getRoleOrThrow(userId, channelId);
  return db().simulatedUser.findMany({
    where: { channelId },
    orderBy: { createdAt: "asc" },
    select: { id: true, displayName: true },
  });
}

const displayName = z.string().trim().min(1, "Enter a display name.").max(20, "A display name has at most 20 characters.");

/** Makes up a LINE user for the channel, with a fresh user ID (any member, Testers included). */
export async function createSimulatedUser(userId: string, channelId: string, name: string): Promise<SimulatedUserView> {
  await getRoleOrThrow(userId, channelId);
  const parsed = displayName.safeParse(name);
  if (!parsed.success) throw new InputError(parsed.error.issues[0].message);
  return db().simulatedUser.create({
    data: { id: `U${randomBytes(16).toString("hex")}`, channelId, displayName: parsed.data },
    select: { id: true, displayName: true },
  });
}

/** A simulated user does something in the chat; the event is accepted for delivery. */
export async function sendSimulatedEvent(userId: string, channelId: string, input: unknown): Promise<AcceptedEvents> {
  await getRoleOrThrow(userId, channelId);
  const parsed = eventSpecSchema.safeParse(input);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error);
    throw new InputError(`${field}: ${message}`);
  }
  const simulated = await db().simulatedUser.findFirst({ where: { id: parsed.data.userId, channelId }, select: { id: true } });
  if (!simulated) throw new NotFoundError("This simulated user does not exist.");
  const channel = await db().channel.findUniqueOrThrow({ where: { id: channelId }, select: { id: true, useWebhook: true } });
  return await acceptEvents(channel, [parsed.data], "simulator");
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

/** The channel's latest events from the Simulator, with how their last send went. */
export async function listRecentSimulatorEvents(userId: string, channelId: string, limit = 15): Promise<{ role: Role; events: RecentEvent[] }> {
  const role = await getRoleOrThrow(userId, channelId);
  const rows = await db().webhookEvent.findMany({
    where: { channelId, origin: "simulator" },
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
  return { role, events };
}
