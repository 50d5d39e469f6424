import { z } from "zod";
import { channelApiRoute, invalidWebhookEndpoint, notFoundError, otherMethods } from "@/lib/http/api";
import { getWebhookEndpoint, setWebhookEndpoint } from "@/lib/http/messaging-api";

// LINE's words for a missing or mistyped property.
const setWebhookEndpointRequest = z.object(
  {
    endpoint: z.string({
      error: (issue) => (issue.input === undefined ? "must be specified" : "must be a string"),
    }),
  },
  { error: "The request body must be a JSON object." },
);

/** Get webhook endpoint information: `{endpoint, active}`, where active is Use webhook; 404 when unset. */
export const GET = channelApiRoute({ rateLimit: "webhookEndpoint" }, async ({ channelId }) => {
  const info = await getWebhookEndpoint(channelId);
  if (!info) throw notFoundError("The webhook endpoint URL is not set.");
  return info;
});

/** Set webhook endpoint URL: checked as the console checks it, then saved; `{}`. */
export const PUT = channelApiRoute(
  { rateLimit: "webhookEndpoint", body: setWebhookEndpointRequest },
  async ({ channelId, body }) => {
    const saved = await setWebhookEndpoint(channelId, body.endpoint);
    if (!saved.ok) throw invalidWebhookEndpoint(saved.problem);
    return {};
  },
);

// HEAD is answered as GET is, without the body.
export const { POST, PATCH, DELETE, OPTIONS } = otherMethods(["GET", "PUT"]);
