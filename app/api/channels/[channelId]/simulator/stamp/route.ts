import { getConversationsStamp } from "@/lib/console/conversations";
import { sessionRoute } from "@/lib/http/session-route";

/** What the open Simulator polls: a stamp of its chats, which changes when anything in them does. */
export const GET = sessionRoute(async (_req, access) => {
  return Response.json({ stamp: await getConversationsStamp(access) }, { headers: { "Cache-Control": "no-store" } });
});
