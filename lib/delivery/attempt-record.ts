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
  return {
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
    ...(!result.ok && result.refusal !== undefined ? { refusal: result.refusal } : {}),
    requestExcerpt: base.body === undefined ? "" : base.body.slice(0, REQUEST_EXCERPT_LENGTH),
    responseExcerpt:
      result.responseExcerpt === undefined || result.responseExcerpt.length <= RESPONSE_EXCERPT_LENGTH
        ? result.responseExcerpt
        : result.responseExcerpt.slice(0, RESPONSE_EXCERPT_LENGTH),
    ...(result.requestHeaders !== undefined ? { requestHeaders: JSON.stringify(result.requestHeaders) } : {}),
    ...(result.responseHeaders !== undefined ? { responseHeaders: JSON.stringify(result.responseHeaders) } : {}),
    ...(result.responseBytes !== undefined ? { responseBytes: result.responseBytes } : {}),
    ...(result.remoteAddress !== undefined ? { remoteAddress: result.remoteAddress } : {}),
    ...(base.isEdited ? { isEdited: true } : {}),
    ...(base.eventType !== undefined ? { eventType: base.eventType } : {}),
    ...(base.sourceUserId !== undefined ? { sourceUserId: base.sourceUserId } : {}),
    ...(base.sourceGroupId !== undefined ? { sourceGroupId: base.sourceGroupId } : {}),
  };
}
