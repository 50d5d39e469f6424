import "server-only";
import { db } from "../db";
import { assertCan, type ChannelAccess } from "../console/access";
import { InputError } from "../errors";

/**
 * Turns a channel's Error notification on or off (Admins). Groups already counted while it was on
 * are dropped, not emailed, once it is off: the notifier checks the switch when their time comes.
 */
export async function setErrorNotification(access: ChannelAccess, value: boolean): Promise<void> {
  if (typeof value !== "boolean") throw new InputError({ key: "errorNotificationOnOff" });
  assertCan(access, "manage");
  await db().channel.update({ where: { id: access.channel.id }, data: { errorNotification: value } });
}
