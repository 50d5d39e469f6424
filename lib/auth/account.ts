import "server-only";
import { db } from "../db";
import { InputError } from "../errors";
import { isRole, type Role } from "../console/roles";
import type { Locale } from "../i18n/locales";
import { hashPassword } from "./passwords";
import { keepThisSession } from "./session";
import { guardedSignIn, SignInRefusedError } from "./sign-in-guard";
import { assertPasswordAllowed, type SessionUser } from "./users";

/** A channel the signed-in user belongs to, for the Account page. */
export type AccountChannel = { channelId: string; channelName: string; providerName: string; role: Role };

/** The channels `user` belongs to, by provider and name. */
export async function channelsOf(user: SessionUser): Promise<AccountChannel[]> {
  const rows = await db().channelMember.findMany({
    where: { userId: user.id },
    select: { role: true, channel: { select: { id: true, name: true, provider: { select: { name: true } } } } },
  });
  return rows
    .filter((row) => isRole(row.role))
    .map((row) => ({
      channelId: row.channel.id,
      channelName: row.channel.name,
      providerName: row.channel.provider.name,
      role: row.role as Role,
    }))
    .sort((a, b) => a.providerName.localeCompare(b.providerName) || a.channelName.localeCompare(b.channelName));
}

/**
 * Raises the account's session version, which ends every session that carries the old one, and
 * keeps the session of this request going under the new one.
 */
async function endOtherSessions(userId: string, data: { passwordHash?: string } = {}): Promise<void> {
  const { sessionVersion } = await db().user.update({
    where: { id: userId },
    data: { ...data, sessionVersion: { increment: 1 } },
    select: { sessionVersion: true },
  });
  await keepThisSession(sessionVersion);
}

/**
 * Changes the signed-in user's password. The current password is checked under the same limits
 * as a sign-in, so a session left open is no way to guess it. Every other session ends.
 */
export async function changePassword(
  user: SessionUser,
  input: { current: string; password: string; confirmation: string },
): Promise<void> {
  assertPasswordAllowed(input.password, input.confirmation, user.email);
  let checked;
  try {
    checked = await guardedSignIn(user.email, input.current, null);
  } catch (error) {
    if (error instanceof SignInRefusedError) throw new InputError(error.text);
    throw error;
  }
  if (!checked || checked.id !== user.id) throw new InputError({ key: "currentPasswordWrong" });
  await endOtherSessions(user.id, { passwordHash: await hashPassword(input.password) });
}

/** Ends every session of the signed-in user's account but this one. */
export async function signOutEverywhereElse(user: SessionUser): Promise<void> {
  await endOtherSessions(user.id);
}

/** Keeps `locale` as the language of the user's console and of the emails sent to them. */
export async function saveLocale(user: SessionUser, locale: Locale): Promise<void> {
  await db().user.update({ where: { id: user.id }, data: { locale } });
}
