import { z } from "zod";
import { channelApiRoute, invalidWebhookEndpoint, otherMethods } from "@/lib/http/api";
import { testWebhookEndpoint } from "@/lib/http/messaging-api";

// The body may be absent (the SDK sends none when called without arguments) or `{}`: both test
// the saved Webhook URL.
const testWebhookEndpointRequest = z
  .object(
    { endpoint: z.string({ error: "must be a string" }).optional() },
    { error: "The request body must be a JSON object." },
  )
  .optional();

/**
 * Test webhook endpoint: sends the signed empty-events request to `endpoint` or the saved URL and
 * reports `{success, timestamp, statusCode, reason, detail}`. 60 per hour per channel.
 */
export const POST = channelApiRoute(
  { rateLimit: "webhookTest", body: testWebhookEndpointRequest },
  async ({ channelId, body }) => {
    const tested = await testWebhookEndpoint(channelId, body?.endpoint);
    if (!tested.ok) throw invalidWebhookEndpoint(tested.problem);
    return tested.value;
  },
);

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
