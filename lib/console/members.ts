import "server-only";
import { z } from "zod";
import { db, transaction } from "../db";
import { InputError, NotFoundError, parseInput } from "../errors";
import { createUser } from "../auth/users";
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

const addSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address."),
  role: z.enum(ROLES, { message: "Choose Admin, Member or Tester." }),
});

/**
 * Gives a person a role in the channel (Admins). When no account uses the email yet, one is
 * created and its generated password is returned so the Admin can pass it on.
 */
export async function addMember(
  access: ChannelAccess,
  input: { email: string; role: string },
): Promise<{ createdPassword: string | null }> {
  const { email, role } = parseInput(addSchema, input);
  assertCan(access, "manage");
  const channelId = access.channel.id;
  let user = await db().user.findUnique({ where: { email }, select: { id: true } });
  let createdPassword: string | null = null;
  if (!user) {
    const created = await createUser(email);
    user = { id: created.user.id };
    createdPassword = created.password;
  }
  const existing = await db().channelMember.findUnique({
    where: { channelId_userId: { channelId, userId: user.id } },
  });
  if (existing) throw new InputError(`${email} is already a member of this channel.`);
  await db().channelMember.create({ data: { channelId, userId: user.id, role } });
  return { createdPassword };
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
    if (!member || !isRole(member.role)) throw new NotFoundError("This member does not exist.");
    const admins = await tx.channelMember.count({ where: { channelId, role: "ADMIN" } });
    if (!keepsAnAdmin(admins, member.role, role)) throw new InputError(lastAdminError);
    if (role === null) await tx.channelMember.delete({ where: key });
    else await tx.channelMember.update({ where: key, data: { role } });
  });
}

/** Changes a member's role (Admins); the last Admin cannot stop being one. */
export async function changeRole(access: ChannelAccess, memberId: string, role: string): Promise<void> {
  if (!isRole(role)) throw new InputError("Choose Admin, Member or Tester.");
  await changeMembership(access, memberId, role, "A channel needs at least one Admin. Make someone else an Admin first.");
}

/** Takes a member off the channel (Admins); the last Admin cannot be removed. */
export async function removeMember(access: ChannelAccess, memberId: string): Promise<void> {
  await changeMembership(access, memberId, null, "The last Admin of a channel cannot be removed.");
}
