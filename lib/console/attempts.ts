import "server-only";
import { db } from "../db";
import { REQUEST_EXCERPT_LENGTH } from "../delivery/attempt-record";
import { assertCan, type ChannelAccess } from "./access";
import { storedEventBody } from "../webhook/payload";

export type AttemptView = {
  id: number;
  kind: string;
  webhookEventId: string | null;
  isRedelivery: boolean;
  url: string;
  startedAt: Date;
  durationMs: number;
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  firstByteMs: number | null;
  httpVersion: string | null;
  success: boolean;
  statusCode: number | null;
  reason: string | null;
  detail: string | null;
  requestExcerpt: string;
  responseExcerpt: string | null;
};

/** The channel's attempt log, newest first, a page at a time (Admins and Members). */
export async function listAttempts(
  access: ChannelAccess,
  { before, limit = 50, webhookEventId }: { before?: number; limit?: number; webhookEventId?: string } = {},
): Promise<AttemptView[]> {
  assertCan(access, "read");
  const channelId = access.channel.id;
  const attempts = await db().deliveryAttempt.findMany({
    where: { channelId, ...(before ? { id: { lt: before } } : {}), ...(webhookEventId ? { webhookEventId } : {}) },
    orderBy: { id: "desc" },
    take: limit,
    select: {
      id: true,
      kind: true,
      webhookEventId: true,
      isRedelivery: true,
      url: true,
      startedAt: true,
      durationMs: true,
      dnsMs: true,
      connectMs: true,
      tlsMs: true,
      firstByteMs: true,
      httpVersion: true,
      success: true,
      statusCode: true,
      reason: true,
      detail: true,
      requestExcerpt: true,
      responseExcerpt: true,
    },
  });
  return withEventRequests(channelId, attempts);
}

/**
 * Fills in the request excerpt of event sends, which is not stored with each send: the body is
 * rebuilt from the stored event exactly as the dispatcher built it.
 */
async function withEventRequests(channelId: string, attempts: AttemptView[]): Promise<AttemptView[]> {
  const rebuilt = (a: AttemptView) => a.kind === "event" && a.requestExcerpt === "" && a.webhookEventId !== null;
  const ids = [...new Set(attempts.filter(rebuilt).map((a) => a.webhookEventId!))];
  if (ids.length === 0) return attempts;
  const [channel, events] = await Promise.all([
    db().channel.findUniqueOrThrow({ where: { id: channelId }, select: { botUserId: true } }),
    db().webhookEvent.findMany({ where: { channelId, webhookEventId: { in: ids } }, select: { webhookEventId: true, event: true } }),
  ]);
  const byId = new Map(events.map((e) => [e.webhookEventId, e.event]));
  return attempts.map((a) => {
    const event = rebuilt(a) ? byId.get(a.webhookEventId!) : undefined;
    if (event === undefined) return a;
    return { ...a, requestExcerpt: storedEventBody(channel.botUserId, event, a.isRedelivery).slice(0, REQUEST_EXCERPT_LENGTH) };
  });
}
