import { formatUtc9 } from "../time";
import { escapeHtml } from "./compose";

export type InvitationEmailInput = {
  channelName: string;
  roleLabel: string;
  invitedBy: string;
  url: string;
  expiresAt: Date;
};

/**
 * The email that carries an invitation link. It reads the same whether or not the address has an
 * account already: the channel's Admins can read it in the Outbox, and it must not tell them.
 */
export function composeInvitationEmail(input: InvitationEmailInput): { subject: string; text: string; html: string } {
  const subject = `You are invited to the channel "${input.channelName}"`;
  const lines = [
    `${input.invitedBy} invited you to the LINE Webhook Console channel "${input.channelName}" as ${input.roleLabel}.`,
    "Open this link to accept. If you have no account yet, you choose your password there; if you have one, you sign in.",
    `The link works once, until ${formatUtc9(input.expiresAt)} (UTC+9).`,
  ];
  const text = [lines[0], "", lines[1], "", input.url, "", lines[2], ""].join("\n");
  const html = [
    "<!doctype html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
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
