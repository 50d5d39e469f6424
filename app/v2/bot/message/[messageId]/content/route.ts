import { channelApiRoute, otherMethods } from "@/lib/http/api";
import { getMessageContent } from "@/lib/messaging/content";

/**
 * Get content: the bytes of an image, video, audio or file a simulated user sent, with its
 * Content-Type and Content-Length. On LINE this is the data host (`api-data.line.me`); here it is
 * the same origin as the rest, so a bot points its `MessagingApiBlobClient` there too.
 */
export const GET = channelApiRoute<undefined, { messageId: string }>({ rateLimit: "messageContent" }, async ({ channelId, params, context }) => {
  const content = await getMessageContent(channelId, params.messageId);
  const chunks = content.chunks()[Symbol.iterator]();
  // Made as the bot reads it: a long recording or a large file is never held whole.
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
  return new Response(body, {
    headers: { "Content-Type": content.contentType, "Content-Length": String(content.length), "X-Line-Request-Id": context.requestId },
  });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
