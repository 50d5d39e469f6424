import { getSendDetail } from "@/lib/console/attempts";
import { MAX_ATTEMPT_ID } from "@/lib/console/delivery-log-search";
import { sessionRoute, textResponse } from "@/lib/http/session-route";

/** A send as a JSON file: the request as sent, the response, the timings and the outcome (Admins and Members). */
export const GET = sessionRoute(async (req, access) => {
  const attemptId = new URL(req.url).pathname.split("/").at(-1) ?? "";
  const id = /^\d{1,10}$/.test(attemptId) ? Number(attemptId) : 0;
  if (id < 1 || id > MAX_ATTEMPT_ID) return textResponse(404, "This page does not exist.");
  const send = await getSendDetail(access, id);
  const file = {
    id: send.id,
    kind: send.kind,
    webhookEventId: send.webhookEventId,
    isRedelivery: send.isRedelivery,
    isEdited: send.isEdited,
    startedAt: send.startedAt.toISOString(),
    success: send.success,
    reason: send.reason,
    detail: send.detail,
    timings: { dnsMs: send.dnsMs, connectMs: send.connectMs, tlsMs: send.tlsMs, firstByteMs: send.firstByteMs, totalMs: send.durationMs },
    request: { method: "POST", url: send.url, headers: send.requestHeaders, body: send.body, bodyBytes: send.bodyBytes, bodyComplete: send.bodyComplete },
    response: {
      statusCode: send.statusCode,
      httpVersion: send.httpVersion,
      remoteAddress: send.remoteAddress,
      headers: send.responseHeaders,
      body: send.responseExcerpt,
      bodyBytes: send.responseBytes,
    },
    eventSends: send.eventSends.map(({ body, ...s }) => ({ ...s, bodyBytes: Buffer.byteLength(body, "utf8") })),
  };
  return new Response(`${JSON.stringify(file, null, 2)}\n`, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="send-${access.channel.id}-${id}.json"`,
      "Cache-Control": "no-store",
    },
  });
});
