import { ApiError, apiRoute, jsonResponse, otherMethods, readJsonBody, requireChannelToken } from "@/lib/http/api";
import { getDeliveryChannel } from "@/lib/delivery/channels";
import { acceptEvents, describeIssue, eventBatchSchema } from "@/lib/delivery/ingest";

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Accepts simulated user events for a channel, for scripts and load tests. The events are
 * written durably before the 202; the dispatcher sends them to the Webhook URL afterwards.
 */
export const POST = apiRoute<{ channelId: string }>(async (req, { channelId }, context) => {
  const tokenChannel = await requireChannelToken(req);
  // A token of another channel learns nothing about this one.
  const channel = tokenChannel === channelId ? await getDeliveryChannel(channelId) : null;
  if (!channel) throw new ApiError(404, "Not found: no channel with this ID for this access token.");

  const parsed = eventBatchSchema.safeParse(await readJsonBody(req, MAX_BODY_BYTES));
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error);
    throw new ApiError(400, "The request body has 1 error(s)", [{ property: field, message }]);
  }
  const accepted = await acceptEvents(channel, parsed.data.events, "api");
  return jsonResponse(202, { accepted: accepted.webhookEventIds.length, ...accepted }, context);
});

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
