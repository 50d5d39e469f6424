import "server-only";
import type { ChannelAccess } from "../console/access";
import { db } from "../db";
import { Prisma } from "../generated/prisma/client";
import { DEFAULT_CHANNEL_LEASE_MS } from "../delivery/dispatcher";
import { SqlStatus } from "../delivery/lifecycle";
import { MAX_SEND_ATTEMPTS } from "../notify/outbox-status";

/**
 * A dispatcher seen within this long is alive: one unseen for longer has lost its channels to
 * the others by now, so delivery depends on it no more.
 */
export const HEARTBEAT_FRESH_MS = DEFAULT_CHANNEL_LEASE_MS;

/** Whether events are being sent, and how many wait: for the whole console, or one channel. */
export type DeliveryState = {
  /** Events waiting for their first send, or being sent. */
  backlog: number;
  /** Events waiting for a scheduled redelivery. */
  redeliveries: number;
  /** When the oldest event of the backlog was accepted. */
  oldestPendingAt: Date | null;
  /** Dispatchers (threads and worker processes) seen within HEARTBEAT_FRESH_MS. */
  dispatchersAlive: number;
  /** The latest heartbeat of any dispatcher still remembered. */
  lastHeartbeatAt: Date | null;
};

type Counts = { pending: unknown; sending: unknown; retrying: unknown; oldest: unknown };

/**
 * Counts the unfinished events; `channelId` narrows them to one channel. Each status is its own
 * count with the status written out, which is what lets SQLite read it from the partial index
 * of unfinished events rather than the whole table; the oldest is the lowest seq, read there too.
 */
async function countUnfinished(channelId: string | undefined): Promise<Counts> {
  const ofChannel = channelId === undefined ? Prisma.empty : Prisma.sql`AND "channelId" = ${channelId}`;
  const where = (status: string) => Prisma.sql`WHERE "status" = ${Prisma.raw(status)} ${ofChannel}`;
  const rows = await db().$queryRaw<Counts[]>`SELECT
    (SELECT count(*) FROM "WebhookEvent" ${where(SqlStatus.pending)}) AS "pending",
    (SELECT count(*) FROM "WebhookEvent" ${where(SqlStatus.sending)}) AS "sending",
    (SELECT count(*) FROM "WebhookEvent" ${where(SqlStatus.retrying)}) AS "retrying",
    (SELECT "createdAt" FROM "WebhookEvent" WHERE "seq" = (SELECT min("seq") FROM (
       SELECT min("seq") AS "seq" FROM "WebhookEvent" ${where(SqlStatus.pending)}
       UNION ALL
       SELECT min("seq") FROM "WebhookEvent" ${where(SqlStatus.sending)}) AS "first")) AS "oldest"`;
  return rows[0]!;
}

/** A time as SQLite (ISO text) or PostgreSQL (a Date) returns it from raw SQL. */
function readTime(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}

/** The state of delivery at `now`, for the whole console or, with `channelId`, for one channel's events. */
export async function getDeliveryState(now: number, channelId?: string): Promise<DeliveryState> {
  const [counts, alive, latest] = await Promise.all([
    countUnfinished(channelId),
    db().dispatcher.count({ where: { seenAt: { gte: new Date(now - HEARTBEAT_FRESH_MS) } } }),
    db().dispatcher.findFirst({ orderBy: { seenAt: "desc" }, select: { seenAt: true } }),
  ]);
  return {
    backlog: Number(counts.pending) + Number(counts.sending),
    redeliveries: Number(counts.retrying),
    oldestPendingAt: readTime(counts.oldest),
    dispatchersAlive: alive,
    lastHeartbeatAt: latest?.seenAt ?? null,
  };
}

/** The notification emails not yet sent: still to be tried, and given up after every try failed. */
export type EmailQueue = { queued: number; failed: number };

/** Counts the emails waiting to be sent and those whose every try failed. */
export async function getEmailQueue(): Promise<EmailQueue> {
  const [queued, failed] = await Promise.all([
    db().emailMessage.count({ where: { sentAt: null, attempts: { lt: MAX_SEND_ATTEMPTS } } }),
    db().emailMessage.count({ where: { sentAt: null, attempts: { gte: MAX_SEND_ATTEMPTS } } }),
  ]);
  return { queued, failed };
}

/** The delivery light of a channel's pages. */
export type ChannelDeliveryStatus = {
  isRunning: boolean;
  /** The last heartbeat of any dispatcher while delivery is stopped; null if none is remembered. */
  stoppedSince: Date | null;
  /** The channel's events waiting for their first send, or being sent. */
  backlog: number;
};

/**
 * Whether the console is sending events at all, and how many of this channel's wait: any member
 * may see it, so that a stalled console is not mistaken for a failing bot server.
 */
export async function getChannelDeliveryStatus(access: ChannelAccess, now: number = Date.now()): Promise<ChannelDeliveryStatus> {
  const state = await getDeliveryState(now, access.channel.id);
  const isRunning = state.dispatchersAlive > 0;
  return { isRunning, stoppedSince: isRunning ? null : state.lastHeartbeatAt, backlog: state.backlog };
}
