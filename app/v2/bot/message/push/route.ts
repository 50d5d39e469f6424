import { channelApiRoute, otherMethods, readJsonBody, readRetryKey, retryKeyAccepted } from "@/lib/http/api";
import { checkPushBody, pushMessages } from "@/lib/messaging/bot-api";
import { MESSAGE_BODY_BYTES } from "@/lib/messaging/message-schema";

/**
 * Send push message: to one simulated user, group or room of the channel; `{sentMessages}`. A
 * repeated `X-Line-Retry-Key` gets 409. The body is checked in lib, so that bad messages to a
 * simulated chat can be shown in it.
 */
export const POST = channelApiRoute({ rateLimit: "messageSend" }, async ({ req, channelId, context }) => {
  const body = await checkPushBody(channelId, await readJsonBody(req, MESSAGE_BODY_BYTES), context.requestId);
  const key = readRetryKey(req);
  const sent = await pushMessages(channelId, body, context.requestId, key === null ? null : { key, requestId: context.requestId });
  return sent.repeatOf === undefined ? sent.body : retryKeyAccepted(sent.repeatOf, sent.body, context);
});

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
