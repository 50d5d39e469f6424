import "server-only";
import { db } from "../db";
import { getRoleOrThrow } from "../console/channels";
import { ForbiddenError, InputError } from "../errors";
import { canManageChannel } from "../console/roles";

/**
 * Turns a channel's Error notification on or off (Admins). Groups already counted while it was on
 * are dropped, not emailed, once it is off: the notifier checks the switch when their time comes.
 */
export async function setErrorNotification(userId: string, channelId: string, value: boolean): Promise<void> {
  if (typeof value !== "boolean") throw new InputError("Error notification must be on or off.");
  const role = await getRoleOrThrow(userId, channelId);
  if (!canManageChannel(role)) throw new ForbiddenError();
  await db().channel.update({ where: { id: channelId }, data: { errorNotification: value } });
}
