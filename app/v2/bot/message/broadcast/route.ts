import { channelApiRoute, otherMethods } from "@/lib/http/api";
import { broadcastMessages } from "@/lib/messaging/bot-api";
import { MESSAGE_BODY_BYTES, broadcastRequestSchema } from "@/lib/messaging/message-schema";

/** Send broadcast message: to every simulated user of the channel; `{}`. */
export const POST = channelApiRoute(
  { rateLimit: "messageSend", body: broadcastRequestSchema, maxBodyBytes: MESSAGE_BODY_BYTES },
  ({ channelId, body, context }) => broadcastMessages(channelId, body, context.requestId),
);

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
