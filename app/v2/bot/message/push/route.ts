import { channelApiRoute, otherMethods, readRetryKey, retryKeyAccepted } from "@/lib/http/api";
import { pushMessages } from "@/lib/messaging/bot-api";
import { MESSAGE_BODY_BYTES, pushRequestSchema } from "@/lib/messaging/message-schema";

/** Send push message: to one simulated user of the channel; `{sentMessages}`. A repeated `X-Line-Retry-Key` gets 409. */
export const POST = channelApiRoute(
  { rateLimit: "messageSend", body: pushRequestSchema, maxBodyBytes: MESSAGE_BODY_BYTES },
  async ({ req, channelId, body, context }) => {
    const key = readRetryKey(req);
    const sent = await pushMessages(channelId, body, context.requestId, key === null ? null : { key, requestId: context.requestId });
    return sent.repeatOf === undefined ? sent.body : retryKeyAccepted(sent.repeatOf, sent.body, context);
  },
);

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
