import { channelApiRoute, otherMethods, readRetryKey, retryKeyAccepted } from "@/lib/http/api";
import { multicastMessages } from "@/lib/messaging/bot-api";
import { MESSAGE_BODY_BYTES, multicastRequestSchema } from "@/lib/messaging/message-schema";

/** Send multicast message: to up to 500 simulated users; `{}`. A repeated `X-Line-Retry-Key` gets 409. */
export const POST = channelApiRoute(
  { rateLimit: "messageSend", body: multicastRequestSchema, maxBodyBytes: MESSAGE_BODY_BYTES },
  async ({ req, channelId, body, context }) => {
    const key = readRetryKey(req);
    const sent = await multicastMessages(channelId, body, context.requestId, key === null ? null : { key, requestId: context.requestId });
    return sent.repeatOf === undefined ? sent.body : retryKeyAccepted(sent.repeatOf, sent.body, context);
  },
);

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
