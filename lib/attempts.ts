import "server-only";
import { getRoleOrThrow } from "./channels";
import { db } from "./db";
import { NotFoundError } from "./errors";
import { canReadSettings } from "./roles";

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
  userId: string,
  channelId: string,
  { before, limit = 50, webhookEventId }: { before?: number; limit?: number; webhookEventId?: string } = {},
): Promise<AttemptView[]> {
  const role = await getRoleOrThrow(userId, channelId);
  if (!canReadSettings(role)) throw new NotFoundError("This page does not exist.");
  return db().deliveryAttempt.findMany({
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
}
