import { DEFAULT_LOCALE, type Locale } from "../i18n/locales";
import { translator } from "../i18n/messages";
import { formatUtc9 } from "../time";
import { escapeHtml } from "./compose";

export type InvitationEmailInput = {
  channelName: string;
  /** The role the link gives, as the catalogue names it in `locale`. */
  roleLabel: string;
  invitedBy: string;
  url: string;
  expiresAt: Date;
  /** The invitee's language; English when not given. */
  locale?: Locale;
};

/**
 * The email that carries an invitation link. It reads the same whether or not the address has an
 * account already: the channel's Admins can read it in the Outbox, and it must not tell them.
 */
export function composeInvitationEmail(input: InvitationEmailInput): { subject: string; text: string; html: string } {
  const locale = input.locale ?? DEFAULT_LOCALE;
  const t = translator(locale, "email");
  const subject = t("subject.invitation", { channel: input.channelName });
  const lines = [
    t("invitation.invited", { invitedBy: input.invitedBy, channel: input.channelName, role: input.roleLabel }),
    t("invitation.open"),
    t("invitation.until", { until: formatUtc9(input.expiresAt, locale) }),
  ];
  const text = [lines[0], "", lines[1], "", input.url, "", lines[2], ""].join("\n");
  const html = [
    "<!doctype html>",
    `<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:sans-serif;font-size:14px">',
    `<p>${escapeHtml(lines[0])}</p>`,
    `<p>${escapeHtml(lines[1])}</p>`,
    `<p><a href="${escapeHtml(input.url)}">${escapeHtml(input.url)}</a></p>`,
    `<p>${escapeHtml(lines[2])}</p>`,
    "</body></html>",
    "",
  ].join("\n");
  return { subject, text, html };
}
