import "server-only";
import { db } from "../db";
import { EventStatus } from "../delivery/lifecycle";
import { assertCan, type ChannelAccess } from "./access";

/** How many sends a health reading looks at, the newest of the range. */
export const HEALTH_SEND_LIMIT = 100_000;

/** A stretch when the bot failed: from the first failed send to the next success, if one came. */
export type OutageWindow = {
  from: Date;
  /** The first successful send after it, or null while it lasts. */
  recoveredAt: Date | null;
  failures: number;
  /** Its failures by LINE's reason and detail, most first. */
  byFailure: { reason: string; detail: string; count: number }[];
};

export type EndpointHealth = {
  /** Event sends in the range that reached a verdict (refusals by the URL policy are left out). */
  sends: number;
  successes: number;
  /** Successes per send, or null with no sends. */
  successRate: number | null;
  /** Send durations, failures included, in ms. */
  latency: { p50: number; p95: number; p99: number } | null;
  /** Sends over the 2-second deadline or failing for want of a complete answer in time. */
  overDeadline: number;
  /** The latest successful event send, in the range or before it. */
  lastSuccess: Date | null;
  outages: OutageWindow[];
  /** Redeliveries waiting, the soonest first, and how many there are. */
  pending: { webhookEventId: string; nextAttemptAt: Date | null; attempts: number }[];
  pendingCount: number;
  /** Set when the range held more sends than a reading takes: only the newest were read. */
  capped: boolean;
};

const DEADLINE_MS = 2000;

/** The value at a share of sorted numbers, by the nearest rank. */
export function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))];
}

/**
 * The outage windows of sends in time order: each begins with a failure after a success (or at
 * the first send) and ends with the next success.
 */
export function outageWindows(sends: readonly { startedAt: Date; success: boolean; reason: string | null; detail: string | null }[]): OutageWindow[] {
  const windows: OutageWindow[] = [];
  let open: { window: OutageWindow; counts: Map<string, { reason: string; detail: string; count: number }> } | null = null;
  const close = (recoveredAt: Date | null) => {
    if (!open) return;
    open.window.recoveredAt = recoveredAt;
    open.window.byFailure = [...open.counts.values()].sort((a, b) => b.count - a.count);
    windows.push(open.window);
    open = null;
  };
  for (const send of sends) {
    if (send.success) {
      close(send.startedAt);
      continue;
    }
    open ??= { window: { from: send.startedAt, recoveredAt: null, failures: 0, byFailure: [] }, counts: new Map() };
    open.window.failures += 1;
    const key = `${send.reason}\u0000${send.detail}`;
    const entry = open.counts.get(key) ?? { reason: send.reason ?? "", detail: send.detail ?? "", count: 0 };
    entry.count += 1;
    open.counts.set(key, entry);
  }
  close(null);
  return windows;
}

/**
 * How the channel's bot server has been answering its events over `[from, to)`: success rate,
 * latency against LINE's deadline, the last success, the outages and the redeliveries still to
 * come (Admins and Members).
 */
export async function getEndpointHealth(access: ChannelAccess, from: number, to: number): Promise<EndpointHealth> {
  assertCan(access, "read");
  const channelId = access.channel.id;
  // A refusal by the URL policy has no reason of LINE's: it is no answer of the bot's.
  const judged = { channelId, kind: "event", OR: [{ success: true }, { reason: { not: null } }] };
  const [newest, lastSuccess, pending, pendingCount] = await Promise.all([
    db().deliveryAttempt.findMany({
      where: { ...judged, startedAt: { gte: new Date(from), lt: new Date(to) } },
      orderBy: { id: "desc" },
      take: HEALTH_SEND_LIMIT + 1,
      select: { startedAt: true, durationMs: true, success: true, reason: true, detail: true },
    }),
    db().deliveryAttempt.findFirst({ where: { channelId, kind: "event", success: true }, orderBy: { id: "desc" }, select: { startedAt: true } }),
    db().webhookEvent.findMany({
      where: { channelId, status: EventStatus.retrying },
      orderBy: { nextAttemptAt: "asc" },
      take: 10,
      select: { webhookEventId: true, nextAttemptAt: true, attempts: true },
    }),
    db().webhookEvent.count({ where: { channelId, status: EventStatus.retrying } }),
  ]);
  const capped = newest.length > HEALTH_SEND_LIMIT;
  const sends = newest.slice(0, HEALTH_SEND_LIMIT).reverse();
  const successes = sends.filter((s) => s.success).length;
  const durations = sends.map((s) => s.durationMs).sort((a, b) => a - b);
  return {
    sends: sends.length,
    successes,
    successRate: sends.length === 0 ? null : successes / sends.length,
    latency: durations.length === 0 ? null : { p50: percentile(durations, 0.5), p95: percentile(durations, 0.95), p99: percentile(durations, 0.99) },
    overDeadline: sends.filter((s) => s.durationMs >= DEADLINE_MS || s.reason === "request_timeout").length,
    lastSuccess: lastSuccess?.startedAt ?? null,
    outages: outageWindows(sends),
    pending,
    pendingCount,
    capped,
  };
}
