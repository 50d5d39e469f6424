import { explainFailure, isReason } from "../webhook/reasons";

/** LINE's deadline for a complete 2xx response, as the sentences name it. */
const DEADLINE_MS = 2000;

/** Past this share of the deadline a success is called close to it. */
const CLOSE_SHARE = 0.75;

/**
 * What a send's outcome means for the bot, in a sentence or two: LINE's reason and detail
 * explained, and what LINE does next and what the bot can do about it.
 */
export function sendMeaning(send: {
  kind: string;
  success: boolean;
  statusCode: number | null;
  reason: string | null;
  detail: string | null;
  durationMs: number;
}): string {
  const ms = Math.round(send.durationMs);
  if (send.success) {
    const margin = DEADLINE_MS - ms;
    const close =
      ms > DEADLINE_MS * CLOSE_SHARE
        ? ` Only ${margin} ms were left: a little more work before answering and LINE would have reported request_timeout. Answer first, then do the work.`
        : "";
    return `The bot answered ${send.statusCode} in ${ms} ms, ${margin} ms inside LINE's 2-second deadline, so LINE counts this ${send.kind === "event" ? "event as delivered" : "request as a success"}.${close}`;
  }
  if (send.reason === null || !isReason(send.reason)) {
    return `Nothing was sent: ${send.detail ?? "the URL policy refused this URL"}. This is not counted against the bot.`;
  }
  const explained = explainFailure({ reason: send.reason, detail: send.detail ?? "" });
  const next =
    send.kind === "event"
      ? " LINE counts the event as failed (in Webhook errors, while aggregation is on) and, with Webhook redelivery on, sends it again later with isRedelivery true."
      : " Verify and API tests are never counted in error statistics.";
  const advice: Record<string, string> = {
    request_timeout: " The bot must send its complete 2xx response within 2 seconds of the request: answer at once and do slow work (replies, database writes) afterwards.",
    error_status_code: " The bot's server was reached and answered; its own logs for this time say why it did not answer 2xx (a signature check that failed answers 4xx).",
    could_not_connect: " The request never reached the bot's code: check the Webhook URL's host, that the server is up and listening, and its TLS certificate.",
    unclassified: " The connection broke in a way LINE names no more precisely: look at the server's or its proxy's logs for this time.",
  };
  return `${send.reason} · ${send.detail}: ${explained}${next}${advice[send.reason] ?? ""}`;
}
