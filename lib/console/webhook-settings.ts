import type { CheckResult } from "../delivery/check";

/** The Messaging API tab's switches, in LINE's words; the settings form and the server action share them. */
export const WEBHOOK_SETTINGS = ["useWebhook", "webhookRedelivery", "errorStatisticsAggregation"] as const;
export type WebhookSetting = (typeof WEBHOOK_SETTINGS)[number];

/** Whether a value from the client names one of the switches. */
export function isWebhookSetting(value: unknown): value is WebhookSetting {
  return typeof value === "string" && (WEBHOOK_SETTINGS as readonly string[]).includes(value);
}

/** What Verify answers the console: a check's outcome, its time as ISO text so that it reaches the client. */
export type VerifyResult = Omit<CheckResult, "timestamp"> & { timestamp: string };
