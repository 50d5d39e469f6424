import { assertCan } from "@/lib/console/access";
import { sessionRoute, textResponse } from "@/lib/http/session-route";
import { openErrorTsv } from "@/lib/statistics/queries";
import { parseWebhookErrorsSearch } from "@/lib/statistics/search-params";
import { TSV_CONTENT_TYPE } from "@/lib/statistics/tsv";

/**
 * Download TSV file: the rows of the tab's range and filters (the same search params as the page),
 * streamed from the database with a header row, in UTC+9, UTF-8.
 */
export const GET = sessionRoute(async (req, access) => {
  const parsed = parseWebhookErrorsSearch(new URL(req.url).searchParams, Date.now());
  if (!parsed.ok) {
    // Who may not see the tab learns nothing from a mistake in the link either.
    assertCan(access, "seeErrors");
    return textResponse(400, parsed.problems.join("\n"));
  }
  const { filename, stream } = await openErrorTsv(access, parsed.query);
  return new Response(stream, {
    headers: {
      "Content-Type": TSV_CONTENT_TYPE,
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
