import { getChannelAccess } from "../../lib/console/channels";
import type { ChannelAccess } from "../../lib/console/access";
import { db } from "../../lib/db";

/** A user's access to a channel, resolved as each request resolves it, for calling the console's lib. */
export async function accessOf(userId: string, channelId: string): Promise<ChannelAccess> {
  const user = await db().user.findUniqueOrThrow({ where: { id: userId }, select: { id: true, email: true, name: true } });
  return getChannelAccess(user, channelId);
}

/** The password members made by `joinChannel` choose. */
export const JOINED_PASSWORD = "a chosen test passphrase";

/**
 * Puts `email` in a channel with `role` the way a person gets there: an Admin invites them and
 * they accept through the link, choosing `JOINED_PASSWORD` when the address has no account.
 */
export async function joinChannel(admin: ChannelAccess, email: string, role: string): Promise<{ userId: string; password: string }> {
  const { inviteMember } = await import("../../lib/console/members");
  const { acceptAsSignedIn, acceptWithNewAccount } = await import("../../lib/auth/invitations");
  const { url } = await inviteMember(admin, { email, role });
  const secret = url.slice(url.lastIndexOf("/") + 1);
  const existing = await db().user.findUnique({ where: { email }, select: { id: true, email: true, name: true } });
  if (existing) await acceptAsSignedIn(secret, existing);
  else await acceptWithNewAccount(secret, { password: JOINED_PASSWORD, confirmation: JOINED_PASSWORD });
  const user = await db().user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  return { userId: user.id, password: JOINED_PASSWORD };
}
