import { channelApiRoute, notFoundError, otherMethods } from "@/lib/http/api";
import { acceptEvents, eventBatchSchema, getIngestChannel } from "@/lib/delivery/ingest";

/**
 * Accepts simulated user events for a channel, for scripts and load tests. The events are
 * written durably before the 202; the dispatcher sends them to the Webhook URL afterwards.
 */
export const POST = channelApiRoute(
  {
    rateLimit: "scriptEvents",
    body: eventBatchSchema,
    maxBodyBytes: 1024 * 1024,
    status: 202,
    pathChannel: (params: { channelId: string }) => params.channelId,
  },
  async ({ channelId, body }) => {
    const channel = await getIngestChannel(channelId);
    if (!channel) throw notFoundError("Not found: no channel with this ID for this access token.");
    const accepted = await acceptEvents(channel, body.events, "api");
    return { accepted: accepted.webhookEventIds.length, ...accepted };
  },
);

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
