import { channelApiRoute, notFoundError, otherMethods, readRetryKey, retryKeyAccepted } from "@/lib/http/api";
import { acceptEvents, acceptEventsOnce, eventBatchSchema, getIngestChannel, type AcceptedEvents } from "@/lib/delivery/ingest";

/** The 202's body (and a repeated retry key's 409's). */
function acceptedBody(accepted: AcceptedEvents) {
  return { accepted: accepted.webhookEventIds.length, ...accepted };
}

/**
 * Accepts simulated user events for a channel, for scripts and load tests. The events are
 * written durably before the 202; the dispatcher sends them to the Webhook URL afterwards. With
 * an `X-Line-Retry-Key`, a repeat of the request within 24 hours stores nothing and gets 409.
 */
export const POST = channelApiRoute(
  {
    rateLimit: "scriptEvents",
    body: eventBatchSchema,
    maxBodyBytes: 1024 * 1024,
    status: 202,
    pathChannel: (params: { channelId: string }) => params.channelId,
  },
  async ({ req, channelId, body, context }) => {
    const retryKey = readRetryKey(req);
    const channel = await getIngestChannel(channelId);
    if (!channel) throw notFoundError("Not found: no channel with this ID for this access token.");
    if (retryKey === null) return acceptedBody(await acceptEvents(channel, body.events, "api"));
    const { accepted, repeatOf } = await acceptEventsOnce(channel, body.events, { key: retryKey, requestId: context.requestId });
    return repeatOf === undefined ? acceptedBody(accepted) : retryKeyAccepted(repeatOf, acceptedBody(accepted), context);
  },
);

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
