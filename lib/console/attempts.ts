import "server-only";
import { db } from "../db";
import { env } from "../env";
import { checkWebhookUrl } from "../webhook/url";
import { REQUEST_EXCERPT_LENGTH } from "../delivery/attempt-record";
import { NotFoundError } from "../errors";
import { assertCan, type ChannelAccess } from "./access";
import { storedEventBody } from "../webhook/payload";
import type { Prisma } from "../generated/prisma/client";
import type { HeaderLine } from "../webhook/sender";
import { matchesPayload, type DeliveryLogFilter, type DeliveryLogQuery, type PayloadFilter } from "./delivery-log-search";

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
  /** A test send of an event edited by hand. */
  isEdited: boolean;
};

const ATTEMPT_SELECT = {
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
  isEdited: true,
} as const;

/** The channel's attempt log, newest first, a page at a time (Admins and Members). */
export async function listAttempts(
  access: ChannelAccess,
  { before, limit = 50, webhookEventId, kind }: { before?: number; limit?: number; webhookEventId?: string; kind?: string } = {},
): Promise<AttemptView[]> {
  assertCan(access, "read");
  const channelId = access.channel.id;
  const attempts = await db().deliveryAttempt.findMany({
    where: { channelId, ...(before ? { id: { lt: before } } : {}), ...(webhookEventId ? { webhookEventId } : {}), ...(kind ? { kind } : {}) },
    orderBy: { id: "desc" },
    take: limit,
    select: ATTEMPT_SELECT,
  });
  return withEventRequests(channelId, attempts);
}

/** One send of an event, with the body it carried, for the list of its sends and their diff. */
export type EventSend = Pick<AttemptView, "id" | "startedAt" | "isRedelivery" | "success" | "statusCode" | "reason" | "detail"> & { body: string };

/** A send as its page shows it: the request as sent, the response, and for an event its other sends. */
export type SendDetail = AttemptView & {
  requestHeaders: HeaderLine[] | null;
  responseHeaders: HeaderLine[] | null;
  responseBytes: number | null;
  remoteAddress: string | null;
  /** The request body exactly as sent, its size in bytes, and whether the log holds all of it. */
  body: string;
  bodyBytes: number;
  bodyComplete: boolean;
  /** An event's every send, oldest first; empty for Verify and API tests. */
  eventSends: EventSend[];
};

function headerLines(json: string | null): HeaderLine[] | null {
  if (json === null) return null;
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((h): h is HeaderLine => Array.isArray(h) && h.length === 2) : null;
}

/**
 * One send with all the log knows of it (Admins and Members). An event send's body is rebuilt
 * from the stored event as the dispatcher built it, byte for byte; a Verify's or test's is the
 * stored request.
 */
export async function getSendDetail(access: ChannelAccess, id: number): Promise<SendDetail> {
  assertCan(access, "read");
  const channelId = access.channel.id;
  const attempt = await db().deliveryAttempt.findFirst({
    where: { id, channelId },
    select: { ...ATTEMPT_SELECT, requestHeaders: true, responseHeaders: true, responseBytes: true, remoteAddress: true },
  });
  if (!attempt) throw new NotFoundError({ key: "requestNotFound" });
  const { requestHeaders, responseHeaders, responseBytes, remoteAddress, ...view } = attempt;
  let body = view.requestExcerpt;
  let bodyComplete = body.length < REQUEST_EXCERPT_LENGTH;
  let eventSends: EventSend[] = [];
  if (view.kind === "event" && view.webhookEventId !== null) {
    const [channel, event, sends] = await Promise.all([
      db().channel.findUniqueOrThrow({ where: { id: channelId }, select: { botUserId: true } }),
      db().webhookEvent.findFirst({ where: { channelId, webhookEventId: view.webhookEventId }, select: { event: true } }),
      db().deliveryAttempt.findMany({
        where: { channelId, webhookEventId: view.webhookEventId },
        orderBy: { id: "asc" },
        take: 200,
        select: { id: true, startedAt: true, isRedelivery: true, success: true, statusCode: true, reason: true, detail: true, requestExcerpt: true },
      }),
    ]);
    if (event) {
      const bodyOf = (send: { isRedelivery: boolean; requestExcerpt: string }) =>
        send.requestExcerpt !== "" ? send.requestExcerpt : storedEventBody(channel.botUserId, event.event, send.isRedelivery);
      if (view.requestExcerpt === "") {
        body = bodyOf(view);
        bodyComplete = true;
      }
      eventSends = sends.map(({ requestExcerpt, ...send }) => ({ ...send, body: bodyOf({ isRedelivery: send.isRedelivery, requestExcerpt }) }));
    }
  }
  return {
    ...view,
    requestExcerpt: body.slice(0, REQUEST_EXCERPT_LENGTH),
    requestHeaders: headerLines(requestHeaders),
    responseHeaders: headerLines(responseHeaders),
    responseBytes,
    remoteAddress,
    body,
    bodyBytes: Buffer.byteLength(body, "utf8"),
    bodyComplete,
    eventSends,
  };
}

/** One page of the Delivery log, and where the pages around it start. */
export type DeliveryLogResult = {
  attempts: AttemptView[];
  /** The last send's ID, when older sends match. */
  older: number | null;
  /** The first send's ID, when newer sends match. */
  newer: number | null;
  /**
   * Set when a payload filter stopped looking before the page was full: how many sends it read,
   * and the ID to go on from. A payload is read from each send's body, which no index holds, so
   * a page reads at most PAYLOAD_SCAN_LIMIT sends.
   */
  searched: { scanned: number; older: number; startedAt: Date } | null;
};

/** How many sends a page with a payload filter reads at most. */
export const PAYLOAD_SCAN_LIMIT = 2000;
const PAYLOAD_BATCH = 1000;

/** The filters the database answers from its indexes; the payload filter is read from the bodies. */
export function filterWhere(channelId: string, filter: DeliveryLogFilter): Prisma.DeliveryAttemptWhereInput {
  const where: Prisma.DeliveryAttemptWhereInput = { channelId };
  if (filter.webhookEventId !== null) where.webhookEventId = filter.webhookEventId;
  if (filter.eventType !== null) where.eventType = filter.eventType;
  if (filter.source !== null) {
    if (filter.source.startsWith("U")) where.sourceUserId = filter.source;
    else where.sourceGroupId = filter.source;
  }
  if (filter.outcome !== null) where.success = filter.outcome === "success";
  if (filter.reason !== null) where.reason = filter.reason;
  if (filter.detail !== null) where.detail = filter.detail;
  if (filter.statusCode !== null) where.statusCode = filter.statusCode;
  if (filter.kind !== null) where.kind = filter.kind;
  if (filter.send !== null) where.isRedelivery = filter.send === "redelivery";
  if (filter.from !== null || filter.to !== null) {
    where.startedAt = {
      ...(filter.from !== null ? { gte: new Date(filter.from) } : {}),
      ...(filter.to !== null ? { lt: new Date(filter.to) } : {}),
    };
  }
  return where;
}

/**
 * The Delivery log: the channel's sends matching every filter, newest first, `limit` at a time,
 * paged by send ID (Admins and Members).
 */
export async function listDeliveryLog(access: ChannelAccess, query: DeliveryLogQuery, limit = 50): Promise<DeliveryLogResult> {
  assertCan(access, "read");
  const channelId = access.channel.id;
  const { filter, page } = query;
  const direction = page?.direction ?? "older";
  const base = filterWhere(channelId, filter);
  const after = (from: number | undefined): Prisma.DeliveryAttemptWhereInput =>
    from === undefined ? base : { AND: [base, { id: direction === "older" ? { lt: from } : { gt: from } }] };

  let found: AttemptView[];
  let searched: DeliveryLogResult["searched"] = null;
  if (filter.payload === null) {
    found = await db().deliveryAttempt.findMany({
      where: after(page?.id),
      orderBy: { id: direction === "older" ? "desc" : "asc" },
      take: limit + 1,
      select: ATTEMPT_SELECT,
    });
  } else {
    // Bodies are read a batch at a time, only the columns a match needs; matching rows are then
    // read whole.
    const payload = filter.payload;
    const { botUserId } = await db().channel.findUniqueOrThrow({ where: { id: channelId }, select: { botUserId: true } });
    const matched: number[] = [];
    let from = page?.id;
    let scanned = 0;
    while (matched.length <= limit) {
      const batch = await db().deliveryAttempt.findMany({
        where: after(from),
        orderBy: { id: direction === "older" ? "desc" : "asc" },
        take: PAYLOAD_BATCH,
        select: { id: true, kind: true, webhookEventId: true, isRedelivery: true, requestExcerpt: true, startedAt: true },
      });
      if (batch.length === 0) break;
      scanned += batch.length;
      const last = batch[batch.length - 1];
      from = last.id;
      const matches = await payloadMatches(channelId, botUserId, batch, payload);
      matched.push(...batch.filter((a) => matches.has(a.id)).map((a) => a.id));
      if (batch.length < PAYLOAD_BATCH) break;
      if (scanned >= PAYLOAD_SCAN_LIMIT && matched.length <= limit) {
        // Going back in time the page can say where to go on; going forward it ends at the cap.
        if (direction === "older") searched = { scanned, older: last.id, startedAt: last.startedAt };
        break;
      }
    }
    const rows = matched.length === 0 ? [] : await db().deliveryAttempt.findMany({ where: { id: { in: matched.slice(0, limit + 1) } }, select: ATTEMPT_SELECT });
    const byId = new Map(rows.map((r) => [r.id, r]));
    found = matched.slice(0, limit + 1).flatMap((id) => byId.get(id) ?? []);
  }

  const hasMore = found.length > limit;
  const attempts = found.slice(0, limit);
  if (direction === "newer") attempts.reverse();
  const first = attempts[0];
  const last = attempts.at(-1);
  const result =
    direction === "older"
      ? { older: hasMore && last ? last.id : null, newer: page && first ? first.id : null }
      : { older: last ? last.id : null, newer: hasMore && first ? first.id : null };
  return { attempts: await withEventRequests(channelId, attempts), ...result, searched };
}

/**
 * The sends of a batch whose request body has the payload filter's value at its path: an event
 * send's body is its stored event as it was sent, a Verify's or test's its stored request. A
 * body that does not hold the value's text at all is not parsed; one that does not parse (a
 * request excerpt cut short) matches nothing.
 */
async function payloadMatches(
  channelId: string,
  botUserId: string,
  batch: readonly { id: number; kind: string; webhookEventId: string | null; isRedelivery: boolean; requestExcerpt: string }[],
  payload: PayloadFilter,
): Promise<Set<number>> {
  const ids = [...new Set(batch.filter((a) => a.kind === "event" && a.webhookEventId !== null).map((a) => a.webhookEventId!))];
  const events =
    ids.length === 0
      ? []
      : await db().webhookEvent.findMany({ where: { channelId, webhookEventId: { in: ids } }, select: { webhookEventId: true, event: true } });
  const byId = new Map(events.map((e) => [e.webhookEventId, e.event]));
  // The value as it appears inside the JSON text, escapes included.
  const needle = JSON.stringify(payload.value).slice(1, -1);
  const matches = new Set<number>();
  for (const a of batch) {
    const event = a.kind === "event" && a.webhookEventId !== null ? byId.get(a.webhookEventId) : undefined;
    const text = event ?? a.requestExcerpt;
    // A redelivery's body differs from its stored event only in isRedelivery, which is set below.
    if (!text.includes(needle) && !(event !== undefined && payload.path.at(-1) === "isRedelivery")) continue;
    let body: unknown;
    try {
      body =
        event === undefined
          ? JSON.parse(text)
          : { destination: botUserId, events: [{ ...(JSON.parse(event) as object), deliveryContext: { isRedelivery: a.isRedelivery } }] };
    } catch {
      continue;
    }
    if (matchesPayload(body, payload)) matches.add(a.id);
  }
  return matches;
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
