/** The process is up and answers requests; it says nothing of the database (that is /readyz). */
export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
