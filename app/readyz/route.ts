import { checkReadiness } from "@/lib/operations/health";

/** 200 when the console can do its work, else 503; the body says what each check found. */
export async function GET(): Promise<Response> {
  const { ready, checks } = await checkReadiness();
  return Response.json(
    { status: ready ? "ready" : "not ready", checks },
    { status: ready ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
