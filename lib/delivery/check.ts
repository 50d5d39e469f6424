import { STATUS_CODES } from "node:http";
import { sendWebhook } from "../webhook/sender";
import type { Reason } from "../webhook/reasons";
import { attemptFromResult } from "./attempt-record";
import { deliveryStore, sendSettings } from "./runtime";
import { logger } from "../log";

/** The outcome of a Verify or an API test: a signed request with no events. */
export type CheckResult = {
  success: boolean;
  /** When the request was sent. */
  timestamp: Date;
  /** 0 when no response came back. */
  statusCode: number;
  reason: Reason | null;
  detail: string;
  /**
   * Set when the URL policy refused the request, which was never sent: the sentence saying what
   * it refused and why. `reason` is then null and `detail` holds the same sentence.
   */
  refusal?: string;
  /** What the console shows: `Success`, LINE's text for the error, or the refusal. */
  message: string;
};

/** LINE's words for a check's outcome. */
export function describeCheck(
  result: Pick<CheckResult, "success" | "statusCode" | "reason" | "detail" | "refusal">,
): string {
  if (result.success) return "Success";
  if (result.refusal !== undefined) return result.refusal;
  if (result.reason === "error_status_code") {
    const text = STATUS_CODES[result.statusCode] ?? "Unknown";
    return `The webhook returned an HTTP status code other than 200.(${result.statusCode} ${text})`;
  }
  return `The webhook could not be delivered. Reason: ${result.reason}, Detail: ${result.detail}`;
}

/**
 * Sends the signed empty-events request LINE uses to check a Webhook URL, and logs it. Checks
 * are never counted in error statistics, whatever their outcome.
 */
export async function checkWebhookEndpoint(
  channel: { id: string; botUserId: string; channelSecret: string },
  url: string,
  kind: "verify" | "test",
): Promise<CheckResult> {
  const body = JSON.stringify({ destination: channel.botUserId, events: [] });
  const timestamp = new Date();
  const result = await sendWebhook({ ...sendSettings(), url, body, secret: channel.channelSecret });
  try {
    await deliveryStore().recordCheck(
      attemptFromResult(result, {
        channelId: channel.id,
        webhookEventId: null,
        kind,
        isRedelivery: false,
        url,
        startedAt: timestamp.getTime(),
        body,
      }),
    );
  } catch (error) {
    // The check's answer matters more to the user than its log line.
    logger().error({ component: "webhook check", err: error }, "could not record a Verify or test send");
  }
  const refusal = result.ok ? undefined : result.refusal;
  const outcome = {
    success: result.ok,
    statusCode: result.statusCode ?? 0,
    reason: result.ok || refusal !== undefined ? null : result.reason,
    detail: result.ok ? String(result.statusCode) : (refusal ?? result.detail),
    ...(refusal !== undefined ? { refusal } : {}),
  };
  return { ...outcome, timestamp, message: describeCheck(outcome) };
}
