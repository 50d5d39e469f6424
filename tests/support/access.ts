import { getChannelAccess } from "../../lib/console/channels";
import type { ChannelAccess } from "../../lib/console/access";
import { db } from "../../lib/db";

/** A user's access to a channel, resolved as each request resolves it, for calling the console's lib. */
export async function accessOf(userId: string, channelId: string): Promise<ChannelAccess> {
  const user = await db().user.findUniqueOrThrow({ where: { id: userId }, select: { id: true, email: true, name: true } });
  return getChannelAccess(user, channelId);
}
