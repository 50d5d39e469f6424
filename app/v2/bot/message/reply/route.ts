import { channelApiRoute, otherMethods, readJsonBody } from "@/lib/http/api";
import { replyFromBody } from "@/lib/messaging/bot-api";
import { MESSAGE_BODY_BYTES } from "@/lib/messaging/message-schema";

/**
 * Send reply message: the reply token of an event sent within the last minute, once; `{sentMessages}`.
 * The body is checked in lib, so that a refusal can be shown in the chat its token came from.
 */
export const POST = channelApiRoute({ rateLimit: "messageSend" }, async ({ req, channelId, context }) =>
  replyFromBody(channelId, await readJsonBody(req, MESSAGE_BODY_BYTES), context.requestId),
);

export const { GET, PUT, PATCH, DELETE, HEAD, OPTIONS } = otherMethods(["POST"]);
