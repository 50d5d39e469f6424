import { sessionRoute, textResponse } from "@/lib/http/session-route";
import { getRecentErrorsStamp } from "@/lib/statistics/queries";
import { LATEST_TIME_MS } from "@/lib/statistics/search-params";
import { DAY_MS } from "@/lib/statistics/utc9";

/**
 * What the open tab polls: a stamp of the errors in windows from `since` (epoch ms) on. The tab
 * re-renders when it changes.
 */
export const GET = sessionRoute(async (req, access) => {
  const since = Number(new URL(req.url).searchParams.get("since"));
  if (!Number.isSafeInteger(since) || since < 0 || since > LATEST_TIME_MS) return textResponse(400, '"since" must be a time in epoch milliseconds.');
  // A stamp reads only recent windows: older ones stop changing, and the read stays small.
  const stamp = await getRecentErrorsStamp(access, Math.max(since, Date.now() - DAY_MS));
  return Response.json({ stamp }, { headers: { "Cache-Control": "no-store" } });
});
