import { canReadMetrics } from "@/lib/operations/metrics";
import { renderMetrics } from "@/lib/operations/metrics-report";

/** Prometheus metrics; with METRICS_TOKEN set, only for a request bearing it. */
export async function GET(req: Request): Promise<Response> {
  if (!canReadMetrics(req.headers.get("authorization"))) {
    return new Response("A valid bearer token is required.\n", {
      status: 401,
      headers: { "WWW-Authenticate": 'Bearer realm="metrics"', "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const { contentType, text } = await renderMetrics();
  return new Response(text, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
}
