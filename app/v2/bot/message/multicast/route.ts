import { channelApiRoute, otherMethods } from "@/lib/http/api";
import { multicastMessages } from "@/lib/messaging/bot-api";
import { MESSAGE_BODY_BYTES, multicastRequestSchema } from "@/lib/messaging/message-schema";

/** Send multicast message: to up to 500 simulated users; `{}`. */
export const POST = channelApiRoute(
  { rateLimit: "messageSend", body: multicastRequestSchema, maxBodyBytes: MESSAGE_BODY_BYTES },
  ({ channelId, body, context }) => multicastMessages(channelId, body, context.requestId),
);

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
