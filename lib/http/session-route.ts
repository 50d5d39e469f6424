import { NotFoundError } from "@/lib/errors";
import { getSessionUser } from "@/lib/auth/session";

/** A plain-text answer: these endpoints are read by the tab and by people, never by the LINE SDK. */
export function textResponse(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/**
 * The one wrapper for the Webhook errors tab's endpoints: the signed-in session decides, with the
 * tab's own rules (lib/statistics/queries.ts). No session is 401; a channel the user may not see
 * this tab of is 404, exactly like the page.
 */
export function webhookErrorsRoute(
  handler: (req: Request, args: { userId: string; channelId: string }) => Promise<Response>,
): (req: Request, ctx: { params: Promise<{ channelId: string }> }) => Promise<Response> {
  return async (req, ctx) => {
    const { channelId } = await ctx.params;
    const user = await getSessionUser();
    if (!user) return textResponse(401, "Sign in to see webhook errors.");
    try {
      return await handler(req, { userId: user.id, channelId });
    } catch (error) {
      if (error instanceof NotFoundError) return textResponse(404, "This page does not exist.");
      console.error(error);
      return textResponse(500, "An internal error occurred.");
    }
  };
}
