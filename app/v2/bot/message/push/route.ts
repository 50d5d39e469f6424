import { channelApiRoute, otherMethods } from "@/lib/http/api";
import { pushMessages } from "@/lib/messaging/bot-api";
import { MESSAGE_BODY_BYTES, pushRequestSchema } from "@/lib/messaging/message-schema";

/** Send push message: to one simulated user of the channel; `{sentMessages}`. */
export const POST = channelApiRoute(
  { rateLimit: "messageSend", body: pushRequestSchema, maxBodyBytes: MESSAGE_BODY_BYTES },
  ({ channelId, body, context }) => pushMessages(channelId, body, context.requestId),
);

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
