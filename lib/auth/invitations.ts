import "server-only";
import { db, transaction } from "../db";
import { env } from "../env";
import { InputError, type UserText } from "../errors";
import { isRole, type Role } from "../console/roles";
import { DEFAULT_LOCALE, isLocale, type Locale } from "../i18n/locales";
import { translator } from "../i18n/messages";
import { composeInvitationEmail } from "../notify/invitation-email";
import { hashLinkSecret, isLinkSecret, newLinkSecret } from "./link-secrets";
import { hashPassword } from "./passwords";
import { assertPasswordAllowed, normalizeEmail, type SessionUser } from "./users";

/** What an Admin sees once, right after inviting someone. */
export type CreatedInvitation = { email: string; url: string; expiresAt: Date };

/** An invitation as its link's page shows it. */
export type InvitationView = {
  email: string;
  channelId: string;
  channelName: string;
  role: Role;
  invitedBy: string;
  expiresAt: Date;
  /** Whether the address has an account: then the invitee signs in to accept instead. */
  accountExists: boolean;
};

/** What a link says once it cannot be used: the same for unknown, used, withdrawn and expired. */
export const USED_OR_EXPIRED = { key: "invitationUsedOrExpired" } as const satisfies UserText;

/** The link to an invitation's page. */
export function invitationUrl(secret: string): string {
  return `${env().consoleUrl}/invite/${secret}`;
}

/**
 * Invites `email` to a channel with `role`: replaces any earlier invitation of that address to
 * the channel, and queues the email that carries the link, in one transaction. The link's secret
 * is returned to be shown once; only its hash is kept.
 */
export async function createInvitation(
  channel: { id: string; name: string },
  email: string,
  role: Role,
  invitedBy: string,
  now: Date = new Date(),
): Promise<CreatedInvitation> {
  const secret = newLinkSecret();
  const url = invitationUrl(secret);
  const expiresAt = new Date(now.getTime() + env().invitationTtlMs);
  const locale = await invitationLocale(email, invitedBy);
  const roleLabel = translator(locale, "common")(`roles.${role}`);
  const message = composeInvitationEmail({ channelName: channel.name, roleLabel, invitedBy, url, expiresAt, locale });
  await transaction(async (tx) => {
    await tx.invitation.deleteMany({ where: { channelId: channel.id, email, acceptedAt: null } });
    await tx.invitation.create({
      data: { tokenHash: hashLinkSecret(secret), channelId: channel.id, email, role, invitedBy, createdAt: now, expiresAt },
    });
    await tx.emailMessage.create({
      data: { channelId: channel.id, to: email, subject: message.subject, text: message.text, html: message.html, createdAt: now },
    });
  });
  return { email, url, expiresAt };
}

/**
 * The language of an invitation email: the invitee's, when their address has an account that
 * chose one, else the inviting Admin's, whose colleague the invitee most likely is.
 */
async function invitationLocale(email: string, invitedBy: string): Promise<Locale> {
  const users = await db().user.findMany({ where: { email: { in: [email, invitedBy] } }, select: { email: true, locale: true } });
  const chosen = (address: string) => users.find((u) => u.email === address)?.locale;
  const locale = chosen(email) ?? chosen(invitedBy);
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

async function findUsable(secret: string, now: Date) {
  if (!isLinkSecret(secret)) return null;
  const invitation = await db().invitation.findUnique({
    where: { tokenHash: hashLinkSecret(secret) },
    include: { channel: { select: { name: true } } },
  });
  if (!invitation || invitation.acceptedAt || invitation.expiresAt <= now || !isRole(invitation.role)) return null;
  return { ...invitation, role: invitation.role };
}

/** The invitation a link opens, or null when the link is unknown, used or expired (one answer for all three). */
export async function describeInvitation(secret: string, now: Date = new Date()): Promise<InvitationView | null> {
  const invitation = await findUsable(secret, now);
  if (!invitation) return null;
  const account = await db().user.findUnique({ where: { email: invitation.email }, select: { id: true } });
  return {
    email: invitation.email,
    channelId: invitation.channelId,
    channelName: invitation.channel.name,
    role: invitation.role,
    invitedBy: invitation.invitedBy,
    expiresAt: invitation.expiresAt,
    accountExists: account !== null,
  };
}

type Tx = Parameters<Parameters<typeof transaction>[0]>[0];

/**
 * Marks an invitation used, only if nobody used it first, and gives its user the role. Returns
 * false when the invitation was already used or has expired.
 */
async function useInvitation(tx: Tx, invitation: { id: string; channelId: string; role: string }, userId: string, now: Date): Promise<boolean> {
  const { count } = await tx.invitation.updateMany({
    where: { id: invitation.id, acceptedAt: null, expiresAt: { gt: now } },
    data: { acceptedAt: now },
  });
  if (count !== 1) return false;
  const key = { channelId_userId: { channelId: invitation.channelId, userId } };
  const member = await tx.channelMember.findUnique({ where: key, select: { role: true } });
  if (!member) await tx.channelMember.create({ data: { channelId: invitation.channelId, userId, role: invitation.role } });
  return true;
}

/**
 * Accepts an invitation for an address without an account: creates the account with the
 * password the invitee chose, and the membership. The link works once, even when opened twice at
 * the same moment. Returns the new account's email, to sign in with.
 */
export async function acceptWithNewAccount(
  secret: string,
  input: { password: string; confirmation: string },
  now: Date = new Date(),
): Promise<{ email: string; channelId: string }> {
  const invitation = await findUsable(secret, now);
  if (!invitation) throw new InputError(USED_OR_EXPIRED);
  if (await db().user.findUnique({ where: { email: invitation.email }, select: { id: true } })) {
    throw new InputError({ key: "accountExistsSignIn", values: { email: invitation.email } });
  }
  assertPasswordAllowed(input.password, input.confirmation, invitation.email);
  const passwordHash = await hashPassword(input.password);
  await transaction(async (tx) => {
    const user = await tx.user.create({
      data: { email: invitation.email, name: invitation.email.split("@")[0], passwordHash },
      select: { id: true },
    });
    if (!(await useInvitation(tx, invitation, user.id, now))) throw new InputError(USED_OR_EXPIRED);
  });
  return { email: invitation.email, channelId: invitation.channelId };
}

/** Accepts an invitation to the signed-in user's own address, opened by its link. Returns the channel's ID. */
export async function acceptAsSignedIn(secret: string, user: SessionUser, now: Date = new Date()): Promise<string> {
  const invitation = await findUsable(secret, now);
  if (!invitation) throw new InputError(USED_OR_EXPIRED);
  return acceptFor(invitation, user, now);
}

/** Accepts one of the invitations the Account page lists for the signed-in user's address. */
export async function acceptById(invitationId: string, user: SessionUser, now: Date = new Date()): Promise<string> {
  const invitation = await db().invitation.findFirst({
    where: { id: invitationId, email: user.email, acceptedAt: null, expiresAt: { gt: now } },
  });
  if (!invitation) throw new InputError(USED_OR_EXPIRED);
  return acceptFor(invitation, user, now);
}

async function acceptFor(invitation: { id: string; email: string; channelId: string; role: string }, user: SessionUser, now: Date): Promise<string> {
  if (invitation.email !== normalizeEmail(user.email)) {
    throw new InputError({ key: "invitationForOther", values: { invited: invitation.email, email: user.email } });
  }
  const used = await transaction((tx) => useInvitation(tx, invitation, user.id, now));
  if (!used) throw new InputError(USED_OR_EXPIRED);
  return invitation.channelId;
}

/** The invitations waiting for the signed-in user's address, for the Account page. */
export async function invitationsFor(user: SessionUser, now: Date = new Date()) {
  return db().invitation.findMany({
    where: { email: user.email, acceptedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    select: { id: true, role: true, invitedBy: true, expiresAt: true, channel: { select: { id: true, name: true } } },
  });
}
