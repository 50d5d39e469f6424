import "server-only";
import { z } from "zod";
import { db, transaction } from "../db";
import { InputError, NotFoundError, parseInput, type ErrorKey } from "../errors";
import { createInvitation, type CreatedInvitation } from "../auth/invitations";
import { assertCan, type ChannelAccess } from "./access";
import { isRole, keepsAnAdmin, ROLES, type Role } from "./roles";

export type MemberView = { userId: string; email: string; name: string; role: Role; since: Date };

/** The channel's members, Admins first (any member may read). */
export async function listMembers(access: ChannelAccess): Promise<MemberView[]> {
  const rows = await db().channelMember.findMany({
    where: { channelId: access.channel.id },
    orderBy: { createdAt: "asc" },
    select: { role: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  const order = (r: string) => ROLES.indexOf(r as Role);
  return rows
    .filter((r) => isRole(r.role))
    .sort((a, b) => order(a.role) - order(b.role))
    .map((r) => ({
      userId: r.user.id,
      email: r.user.email,
      name: r.user.name,
      role: r.role as Role,
      since: r.createdAt,
    }));
}

const inviteSchema = z.object({
  email: z.string().trim().toLowerCase().email("enterValidEmail" satisfies ErrorKey),
  role: z.enum(ROLES, { message: "chooseRole" satisfies ErrorKey }),
});

/**
 * Invites a person to the channel with a role (Admins). Whether or not the address has an
 * account, the answer is the same single-use link, shown once and emailed to the address: the
 * invitee chooses their own password or signs in with theirs. Nothing tells the Admin which.
 */
export async function inviteMember(access: ChannelAccess, input: { email: string; role: string }): Promise<CreatedInvitation> {
  const { email, role } = parseInput(inviteSchema, input);
  assertCan(access, "manage");
  const member = await db().channelMember.findFirst({
    where: { channelId: access.channel.id, user: { email } },
    select: { userId: true },
  });
  if (member) throw new InputError({ key: "alreadyMember", values: { email } });
  return createInvitation(access.channel, email, role, access.user.email);
}

/** An invitation not yet accepted, as the Roles tab lists it. */
export type PendingInvitation = { id: string; email: string; role: Role; invitedBy: string; expiresAt: Date };

/** The channel's invitations that can still be accepted (Admins). */
export async function listInvitations(access: ChannelAccess, now: Date = new Date()): Promise<PendingInvitation[]> {
  assertCan(access, "manage");
  const rows = await db().invitation.findMany({
    where: { channelId: access.channel.id, acceptedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "asc" },
    select: { id: true, email: true, role: true, invitedBy: true, expiresAt: true },
  });
  return rows.filter((row): row is PendingInvitation => isRole(row.role));
}

/** Withdraws an invitation (Admins): its link stops working at once. */
export async function revokeInvitation(access: ChannelAccess, invitationId: string): Promise<void> {
  assertCan(access, "manage");
  const { count } = await db().invitation.deleteMany({
    where: { id: invitationId, channelId: access.channel.id, acceptedAt: null },
  });
  if (count === 0) throw new NotFoundError({ key: "invitationNotFound" });
}

/**
 * Changes a member's role (to `role`) or takes them off the channel (`null`), in one transaction
 * that first checks the channel keeps an Admin.
 */
async function changeMembership(access: ChannelAccess, memberId: string, role: Role | null, lastAdminError: string): Promise<void> {
  assertCan(access, "manage");
  const channelId = access.channel.id;
  const key = { channelId_userId: { channelId, userId: memberId } };
  await transaction(async (tx) => {
    const member = await tx.channelMember.findUnique({ where: key, select: { role: true } });
    if (!member || !isRole(member.role)) throw new NotFoundError({ key: "memberNotFound" });
    const admins = await tx.channelMember.count({ where: { channelId, role: "ADMIN" } });
    if (!keepsAnAdmin(admins, member.role, role)) throw new InputError(lastAdminError);
    if (role === null) await tx.channelMember.delete({ where: key });
    else await tx.channelMember.update({ where: key, data: { role } });
  });
}

/** Changes a member's role (Admins); the last Admin cannot stop being one. */
export async function changeRole(access: ChannelAccess, memberId: string, role: string): Promise<void> {
  if (!isRole(role)) throw new InputError({ key: "chooseRole" });
  await changeMembership(access, memberId, role, "A channel needs at least one Admin. Make someone else an Admin first.");
}

/** Takes a member off the channel (Admins); the last Admin cannot be removed. */
export async function removeMember(access: ChannelAccess, memberId: string): Promise<void> {
  await changeMembership(access, memberId, null, "The last Admin of a channel cannot be removed.");
}
