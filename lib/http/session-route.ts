import "server-only";
import { getSessionUser } from "../auth/session";
import type { ChannelAccess } from "../console/access";
import { getChannelAccess } from "../console/channels";
import { NotFoundError, storageFailure } from "../errors";
import { logger } from "../log";

/** A plain-text answer: these endpoints are read by the console's own pages and by people, never by the LINE SDK. */
export function textResponse(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/**
 * The one wrapper for the console's internal endpoints under a channel: the signed-in session's
 * access to the channel, resolved as a page resolves it, goes to the handler, which checks what it
 * needs with the access rule. No session is 401; a channel the user may not see, or something their
 * role may not see in it, is 404, exactly like the page.
 */
export function sessionRoute(
  handler: (req: Request, access: ChannelAccess) => Promise<Response>,
): (req: Request, ctx: { params: Promise<{ channelId: string }> }) => Promise<Response> {
  return async (req, ctx) => {
    const { channelId } = await ctx.params;
    const user = await getSessionUser();
    if (!user) return textResponse(401, "Sign in to see this.");
    try {
      return await handler(req, await getChannelAccess(user, channelId));
    } catch (error) {
      if (error instanceof NotFoundError) return textResponse(404, "This page does not exist.");
      const storage = storageFailure(error);
      if (storage) return textResponse(storage.status, storage.message);
      logger().error({ err: error }, "a console request failed");
      return textResponse(500, "An internal error occurred.");
    }
  };
}
