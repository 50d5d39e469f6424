/**
 * The error notification email (docs/line-behaviour.md#notifications), built from one notification group. Pure: the worker
 * imports it through plain Node, and the unit tests check every line without a database.
 */
import { formatUtc9 } from "../time";
import { NOTIFICATION_GROUP_MINUTES, type NotificationKind } from "./notice-groups";


export function isNotificationKind(value: string): value is NotificationKind {
  return value === "error" || value === "redelivery_stopped";
}

/** Everything one email says. */
export type NotificationEmailInput = {
  kind: NotificationKind;
  channelId: string;
  channelName: string;
  reason: string;
  detail: string;
  count: number;
  /** The group's first detection. */
  detectedAt: Date;
  /** The console's public address, without a trailing slash. */
  consoleUrl: string;
  /** One of the failed sends, to find in the Delivery log: ours, after LINE's seven fields. */
  sample?: { webhookEventId: string; eventType: string | null };
};

export type ComposedEmail = {
  subject: string;
  /** LINE's seven fields, in LINE's order and words. */
  fields: [label: string, value: string][];
  text: string;
  html: string;
};

/** LINE's subject line for each kind of notification, exactly. */
export function notificationSubject(kind: NotificationKind, channelName: string): string {
  return kind === "error"
    ? `Messaging API: Your bot server returned no response or an error - ${channelName}`
    : `Messaging API: Webhook redelivery stopped - ${channelName}`;
}

/** Where the email sends the reader: the channel's Webhook errors tab. */
export function webhookErrorsUrl(consoleUrl: string, channelId: string): string {
  return `${consoleUrl.replace(/\/$/, "")}/channels/${channelId}/webhook-errors`;
}

/** The seven fields of LINE's email, in LINE's order; the time is UTC+9 as everywhere in LINE. */
export function notificationFields(input: NotificationEmailInput): [string, string][] {
  return [
    ["Channel ID", input.channelId],
    ["Channel name", input.channelName],
    ["Reason for error", input.reason],
    ["Detail for error", input.detail],
    ["Error count", String(input.count)],
    ["Time detected", `${formatUtc9(input.detectedAt)} (UTC+9)`],
    ["URL", webhookErrorsUrl(input.consoleUrl, input.channelId)],
  ];
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Channel names and details are user input: nothing of theirs may become markup. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

function introduction(kind: NotificationKind): string {
  return kind === "error"
    ? "Your bot server returned no response or an error to webhooks of this channel."
    : "Webhook redelivery gave up on events of this channel: they were not delivered to your bot server.";
}

/** The lines the console adds after LINE's fields: the event type and ID of one failed send. */
function sampleFields(input: NotificationEmailInput): [string, string][] {
  if (!input.sample) return [];
  return [
    ["Event type", input.sample.eventType ?? "(none)"],
    ["Sample webhookEventId", input.sample.webhookEventId],
  ];
}

function htmlRows(fields: readonly [string, string][]): string {
  return fields
    .map(([label, value]) => {
      const shown = label === "URL" ? `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>` : escapeHtml(value);
      return `<tr><th style="text-align:left;padding:4px 12px 4px 0">${escapeHtml(label)}</th><td style="padding:4px 0">${shown}</td></tr>`;
    })
    .join("\n");
}

/** The whole email for one notification group, as plain text and as simple, escaped HTML. */
export function composeNotificationEmail(input: NotificationEmailInput): ComposedEmail {
  const subject = notificationSubject(input.kind, input.channelName);
  const fields = notificationFields(input);
  const shown = [...fields, ...sampleFields(input)];
  const text = [
    introduction(input.kind),
    "",
    ...shown.map(([label, value]) => `${label}: ${value}`),
    "",
    `Errors with the same reason and detail within ${NOTIFICATION_GROUP_MINUTES} minutes are counted in one email.`,
    "",
  ].join("\n");
  const rows = htmlRows(shown);
  const html = [
    "<!doctype html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:sans-serif;font-size:14px">',
    `<p>${escapeHtml(introduction(input.kind))}</p>`,
    `<table>\n${rows}\n</table>`,
    `<p>Errors with the same reason and detail within ${NOTIFICATION_GROUP_MINUTES} minutes are counted in one email.</p>`,
    "</body></html>",
    "",
  ].join("\n");
  return { subject, fields, text, html };
}

/** A "recovered" email: the console's own, not LINE's. */
export type RecoveredEmailInput = {
  channelId: string;
  channelName: string;
  /** The (reason, detail)s that were emailed and no longer fail, with when each began. */
  recovered: { reason: string; detail: string; failingSince: Date }[];
  /** The first successful send after the failures. */
  worksSince: Date;
  consoleUrl: string;
};

/** The subject of the "recovered" email. */
export function recoveredSubject(channelName: string): string {
  return `Messaging API: Your bot server is answering again - ${channelName}`;
}

/** The short email saying since when the bot server answers again. */
export function composeRecoveredEmail(input: RecoveredEmailInput): ComposedEmail {
  const subject = recoveredSubject(input.channelName);
  const fields: [string, string][] = [
    ["Channel ID", input.channelId],
    ["Channel name", input.channelName],
    ...input.recovered.map((r): [string, string] => ["Recovered", `${r.reason} · ${r.detail} (failing since ${formatUtc9(r.failingSince)} UTC+9)`]),
    ["Working again since", `${formatUtc9(input.worksSince)} (UTC+9)`],
    ["URL", webhookErrorsUrl(input.consoleUrl, input.channelId)],
  ];
  const intro = "Your bot server is answering webhooks of this channel again, after the errors we emailed you about.";
  const text = [intro, "", ...fields.map(([label, value]) => `${label}: ${value}`), ""].join("\n");
  const html = [
    "<!doctype html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:sans-serif;font-size:14px">',
    `<p>${escapeHtml(intro)}</p>`,
    `<table>\n${htmlRows(fields)}\n</table>`,
    "</body></html>",
    "",
  ].join("\n");
  return { subject, fields, text, html };
}

/**
 * Who receives a channel's notifications: its contact email, if set, and every Admin, each once,
 * lower-cased (addresses differ only in case are the same mailbox in practice).
 */
export function notificationRecipients(contactEmail: string | null | undefined, adminEmails: readonly string[]): string[] {
  const all = [contactEmail ?? "", ...adminEmails].map((e) => e.trim().toLowerCase()).filter(Boolean);
  return [...new Set(all)];
}
