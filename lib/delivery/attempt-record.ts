import type { SendResult } from "../webhook/sender";
import type { AttemptRecord } from "./store";

/**
 * How much of a request and of a response the attempt log keeps, in UTF-16 code units (what
 * `String.slice` counts), not bytes.
 */
export const REQUEST_EXCERPT_LENGTH = 2048;
const RESPONSE_EXCERPT_LENGTH = 1024;

/**
 * The attempt-log row for a send's result. `body` is kept as the request excerpt; an event send
 * passes none, because its body is rebuilt from the stored event when the log is shown.
 */
export function attemptFromResult(
  result: SendResult,
  base: Pick<AttemptRecord, "channelId" | "webhookEventId" | "kind" | "isRedelivery" | "url" | "startedAt"> &
    Pick<AttemptRecord, "eventType" | "sourceUserId" | "sourceGroupId" | "isEdited"> & {
      body?: string;
    },
): AttemptRecord {
  const { timings } = result;
  const attempt: AttemptRecord = {
    channelId: base.channelId,
    webhookEventId: base.webhookEventId,
    kind: base.kind,
    isRedelivery: base.isRedelivery,
    url: base.url,
    startedAt: base.startedAt,
    durationMs: timings.total,
    dnsMs: timings.dns,
    connectMs: timings.connect,
    tlsMs: timings.tls,
    firstByteMs: timings.firstByte,
    httpVersion: result.httpVersion,
    statusCode: result.statusCode,
    failure: result.ok || result.refusal !== undefined ? null : { reason: result.reason, detail: result.detail },
    requestExcerpt: base.body === undefined ? "" : base.body.slice(0, REQUEST_EXCERPT_LENGTH),
    responseExcerpt:
      result.responseExcerpt === undefined || result.responseExcerpt.length <= RESPONSE_EXCERPT_LENGTH
        ? result.responseExcerpt
        : result.responseExcerpt.slice(0, RESPONSE_EXCERPT_LENGTH),
  };
  // Set one by one rather than spread in: every send makes one of these.
  if (!result.ok && result.refusal !== undefined) attempt.refusal = result.refusal;
  if (result.requestHeaders !== undefined) attempt.requestHeaders = JSON.stringify(result.requestHeaders);
  if (result.responseHeaders !== undefined) attempt.responseHeaders = JSON.stringify(result.responseHeaders);
  if (result.responseBytes !== undefined) attempt.responseBytes = result.responseBytes;
  if (result.remoteAddress !== undefined) attempt.remoteAddress = result.remoteAddress;
  if (base.isEdited) attempt.isEdited = true;
  if (base.eventType !== undefined) attempt.eventType = base.eventType;
  if (base.sourceUserId !== undefined) attempt.sourceUserId = base.sourceUserId;
  if (base.sourceGroupId !== undefined) attempt.sourceGroupId = base.sourceGroupId;
  return attempt;
}
