import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getChannel, type ChannelView } from "./channels";
import { requireUser } from "../auth/session";
import type { SessionUser } from "../auth/users";

/**
 * The signed-in user and the channel a page is about, read once per request. Anyone who is not
 * a member gets the 404 page: a channel they may not see does not exist for them.
 */
export const loadChannelPage = cache(
  async (channelId: string): Promise<{ user: SessionUser; channel: ChannelView }> => {
    const user = await requireUser();
    const channel = await getChannel(user.id, channelId);
    if (!channel) notFound();
    return { user, channel };
  },
);
