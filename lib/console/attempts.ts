import "server-only";
import { db } from "../db";
import { env } from "../env";
import { checkWebhookUrl } from "../webhook/url";
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

/**
 * Why the URL policy in force sends nothing to the channel's saved Webhook URL, as a sentence for
 * its row on the Messaging API tab, or null (Admins and Members). A URL saved under "local" may
 * break the "line" rules as written; a name that resolves to a refused address looks public as
 * written, and only the latest send to it shows the refusal.
 */
export async function findUrlRefusal(access: ChannelAccess): Promise<string | null> {
  assertCan(access, "read");
  const { webhookUrl } = access.channel;
  const policy = env().webhookUrlPolicy;
  if (webhookUrl === null || policy !== "line") return null;
  const check = checkWebhookUrl(webhookUrl, policy);
  if (!check.ok) return `Nothing is sent to this URL under the current URL policy: ${check.error}`;
  const last = await db().deliveryAttempt.findFirst({
    where: { channelId: access.channel.id, url: webhookUrl },
    orderBy: { id: "desc" },
    select: { success: true, reason: true, detail: true },
  });
  // A failed send without a reason of LINE's is one the URL policy refused; its detail says why.
  return last && !last.success && last.reason === null ? `The last send to this URL was not made. ${last.detail}` : null;
}
