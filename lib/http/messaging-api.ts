import "server-only";
import { db } from "../db";
import { checkWebhookEndpoint } from "../delivery/check";
import { env } from "../env";
import { apiReason, type ApiReason } from "../webhook/reasons";
import { checkWebhookUrl } from "../webhook/url";

/**
 * The webhook settings of the LINE-compatible Messaging API. The caller is a channel access
 * token, not a person: the token stands for the channel, so there is no role to check here.
 */

/** `GET /v2/bot/channel/webhook/endpoint`: the saved URL and whether Use webhook is on. */
export type WebhookEndpointInfo = { endpoint: string; active: boolean };

/** `POST /v2/bot/channel/webhook/test`, in LINE's words and case. */
export type WebhookTestResult = {
  success: boolean;
  /** When the request was sent, ISO 8601. */
  timestamp: string;
  /** 0 when no response came back. */
  statusCode: number;
  reason: ApiReason;
  detail: string;
};

/** Either it worked, or why the URL was refused (for the `endpoint` property of a 400). */
export type EndpointOutcome<T> = { ok: true; value: T } | { ok: false; problem: string };

const NO_SAVED_URL = "No Webhook URL is set for this channel. Set one, or send the URL to test as endpoint.";

/** The channel's Webhook URL and Use webhook, or null when no URL is set (the API's 404). */
export async function getWebhookEndpoint(channelId: string): Promise<WebhookEndpointInfo | null> {
  const channel = await db().channel.findUnique({
    where: { id: channelId },
    select: { webhookUrl: true, useWebhook: true },
  });
  if (!channel?.webhookUrl) return null;
  return { endpoint: channel.webhookUrl, active: channel.useWebhook };
}

/**
 * Saves the channel's Webhook URL after the same check as the console's Update; nothing is saved
 * when it is refused.
 */
export async function setWebhookEndpoint(channelId: string, input: string): Promise<EndpointOutcome<string>> {
  const check = checkWebhookUrl(input, env().webhookUrlPolicy);
  if (!check.ok) return { ok: false, problem: check.error };
  await db().channel.update({ where: { id: channelId }, data: { webhookUrl: check.url } });
  return { ok: true, value: check.url };
}

/**
 * Sends the signed empty-events request to `endpoint`, or to the saved Webhook URL when none is
 * given. Either URL is checked first, as the console would check it, so the strict policy also
 * keeps the test endpoint away from private hosts; a name that only resolves to one is refused
 * the same way, by the sender. Tests are logged and never counted in error statistics.
 */
export async function testWebhookEndpoint(
  channelId: string,
  endpoint?: string,
): Promise<EndpointOutcome<WebhookTestResult>> {
  const channel = await db().channel.findUniqueOrThrow({
    where: { id: channelId },
    select: { id: true, botUserId: true, channelSecret: true, webhookUrl: true },
  });
  const target = endpoint ?? channel.webhookUrl;
  if (target === null) return { ok: false, problem: NO_SAVED_URL };
  const check = checkWebhookUrl(target, env().webhookUrlPolicy);
  if (!check.ok) return { ok: false, problem: check.error };
  const result = await checkWebhookEndpoint(channel, check.url, "test");
  // Refused like a URL that fails the check above, though only its address gave it away.
  if (result.refusal !== undefined) return { ok: false, problem: result.refusal };
  return {
    ok: true,
    value: {
      success: result.success,
      timestamp: result.timestamp.toISOString(),
      statusCode: result.statusCode,
      reason: apiReason(result.reason),
      // LINE reports the status code as the detail of a success too ("200").
      detail: result.success ? `${result.statusCode}` : result.detail,
    },
  };
}
