import { channelApiRoute, otherMethods } from "@/lib/http/api";
import { replyMessages } from "@/lib/messaging/bot-api";
import { MESSAGE_BODY_BYTES, replyRequestSchema } from "@/lib/messaging/message-schema";

/** Send reply message: the reply token of an event sent within the last minute, once; `{sentMessages}`. */
export const POST = channelApiRoute(
  { rateLimit: "messageSend", body: replyRequestSchema, maxBodyBytes: MESSAGE_BODY_BYTES },
  ({ channelId, body, context }) => replyMessages(channelId, body, context.requestId),
);

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
