/**
 * The error notification email (docs/line-behaviour.md#notifications), built from one notification group. Pure: the worker
 * imports it through plain Node, and the unit tests check every line without a database.
 */
import { DEFAULT_LOCALE, isLocale, type Locale } from "../i18n/locales";
import { translator } from "../i18n/messages";
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
  /** The recipients' language; LINE's English when not given. */
  locale?: Locale;
};

export type ComposedEmail = {
  subject: string;
  /** LINE's seven fields, in LINE's order and words. */
  fields: [label: string, value: string][];
  text: string;
  html: string;
};

/**
 * The subject line for each kind of notification: LINE's, exactly, in English; in Japanese, one of
 * the console's own, worded as LINE words its Japanese console.
 */
export function notificationSubject(kind: NotificationKind, channelName: string, locale: Locale = DEFAULT_LOCALE): string {
  return translator(locale, "email")(`subject.${kind}`, { channel: channelName });
}

/** Where the email sends the reader: the channel's Webhook errors tab. */
export function webhookErrorsUrl(consoleUrl: string, channelId: string): string {
  return `${consoleUrl.replace(/\/$/, "")}/channels/${channelId}/webhook-errors`;
}

/**
 * The seven fields of LINE's email, in LINE's order; the time is UTC+9 as everywhere in LINE. The
 * reason and detail are LINE's own strings in every language.
 */
export function notificationFields(input: NotificationEmailInput): [string, string][] {
  const locale = input.locale ?? DEFAULT_LOCALE;
  const t = translator(locale, "email");
  return [
    [t("fields.channelId"), input.channelId],
    [t("fields.channelName"), input.channelName],
    [t("fields.reason"), input.reason],
    [t("fields.detail"), input.detail],
    [t("fields.count"), String(input.count)],
    [t("fields.detected"), `${formatUtc9(input.detectedAt, locale)} (UTC+9)`],
    [t("fields.url"), webhookErrorsUrl(input.consoleUrl, input.channelId)],
  ];
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Channel names and details are user input: nothing of theirs may become markup. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** The lines the console adds after LINE's fields: the event type and ID of one failed send. */
function sampleFields(input: NotificationEmailInput): [string, string][] {
  if (!input.sample) return [];
  const t = translator(input.locale ?? DEFAULT_LOCALE, "email");
  return [
    [t("fields.eventType"), input.sample.eventType ?? t("none")],
    [t("fields.sample"), input.sample.webhookEventId],
  ];
}

/** The fields as table rows; the one whose value is `url` links to it. */
function htmlRows(fields: readonly [string, string][], url: string): string {
  return fields
    .map(([label, value]) => {
      const shown = value === url ? `<a href="${escapeHtml(value)}">${escapeHtml(value)}</a>` : escapeHtml(value);
      return `<tr><th style="text-align:left;padding:4px 12px 4px 0">${escapeHtml(label)}</th><td style="padding:4px 0">${shown}</td></tr>`;
    })
    .join("\n");
}

/** The whole email for one notification group, as plain text and as simple, escaped HTML. */
export function composeNotificationEmail(input: NotificationEmailInput): ComposedEmail {
  const locale = input.locale ?? DEFAULT_LOCALE;
  const t = translator(locale, "email");
  const subject = notificationSubject(input.kind, input.channelName, locale);
  const fields = notificationFields(input);
  const shown = [...fields, ...sampleFields(input)];
  const introduction = t(`intro.${input.kind}`);
  const grouping = t("grouping", { minutes: NOTIFICATION_GROUP_MINUTES });
  const text = [introduction, "", ...shown.map(([label, value]) => `${label}: ${value}`), "", grouping, ""].join("\n");
  const rows = htmlRows(shown, webhookErrorsUrl(input.consoleUrl, input.channelId));
  const html = [
    "<!doctype html>",
    `<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:sans-serif;font-size:14px">',
    `<p>${escapeHtml(introduction)}</p>`,
    `<table>\n${rows}\n</table>`,
    `<p>${escapeHtml(grouping)}</p>`,
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
  /** The recipients' language; English when not given. */
  locale?: Locale;
};

/** The subject of the "recovered" email. */
export function recoveredSubject(channelName: string, locale: Locale = DEFAULT_LOCALE): string {
  return translator(locale, "email")("subject.recovered", { channel: channelName });
}

/** The short email saying since when the bot server answers again. */
export function composeRecoveredEmail(input: RecoveredEmailInput): ComposedEmail {
  const locale = input.locale ?? DEFAULT_LOCALE;
  const t = translator(locale, "email");
  const subject = recoveredSubject(input.channelName, locale);
  const url = webhookErrorsUrl(input.consoleUrl, input.channelId);
  const fields: [string, string][] = [
    [t("fields.channelId"), input.channelId],
    [t("fields.channelName"), input.channelName],
    ...input.recovered.map((r): [string, string] => [
      t("fields.recovered"),
      t("recoveredLine", { reason: r.reason, detail: r.detail, since: formatUtc9(r.failingSince, locale) }),
    ]),
    [t("fields.worksSince"), `${formatUtc9(input.worksSince, locale)} (UTC+9)`],
    [t("fields.url"), url],
  ];
  const intro = t("recoveredIntro");
  const text = [intro, "", ...fields.map(([label, value]) => `${label}: ${value}`), ""].join("\n");
  const html = [
    "<!doctype html>",
    `<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:sans-serif;font-size:14px">',
    `<p>${escapeHtml(intro)}</p>`,
    `<table>\n${htmlRows(fields, url)}\n</table>`,
    "</body></html>",
    "",
  ].join("\n");
  return { subject, fields, text, html };
}

/**
 * The recipients by language, each in the language their account chose (`chosen`, by address),
 * else English: an address without an account never chose one. In the order the recipients come.
 */
export function recipientsByLocale(to: readonly string[], chosen: ReadonlyMap<string, string | null>): [Locale, string[]][] {
  const groups = new Map<Locale, string[]>();
  for (const address of to) {
    const choice = chosen.get(address);
    const locale = isLocale(choice) ? choice : DEFAULT_LOCALE;
    groups.set(locale, [...(groups.get(locale) ?? []), address]);
  }
  return [...groups];
}

/**
 * Who receives a channel's notifications: its contact email, if set, and every Admin, each once,
 * lower-cased (addresses differ only in case are the same mailbox in practice).
 */
export function notificationRecipients(contactEmail: string | null | undefined, adminEmails: readonly string[]): string[] {
  const all = [contactEmail ?? "", ...adminEmails].map((e) => e.trim().toLowerCase()).filter(Boolean);
  return [...new Set(all)];
}
