import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { runAction, type ActionResult } from "../action-result";
import { NotFoundError } from "../errors";
import { requireUser } from "../auth/session";
import type { ReactNode } from "react";
import { can, type ChannelAccess, type ChannelAction } from "./access";
import { getChannelAccess } from "./channels";

/**
 * The signed-in user's access to the channel a page is about, read once per request however many
 * layouts and lib calls ask. Anyone who is not a member gets the 404 page: a channel they may not
 * see does not exist for them.
 */
export const loadChannelPage = cache(async (channelId: string): Promise<ChannelAccess> => {
  const user = await requireUser();
  try {
    return await getChannelAccess(user, channelId);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
});

/**
 * The body every channel server action shares: the signed-in user's access to the channel, the
 * mutation, and a domain error turned into the message the client shows. `onSuccess` revalidates
 * what the change touched.
 */
export async function channelAction<T>(
  channelId: string,
  mutation: (access: ChannelAccess) => Promise<T>,
  onSuccess: () => void,
): Promise<ActionResult<T>> {
  const user = await requireUser();
  const result = await runAction(async () => mutation(await getChannelAccess(user, channelId)));
  if (result.ok) onSuccess();
  return result;
}

/**
 * The layout of a tab some roles lack: it answers 404 to them before the tab's loading skeleton
 * starts the response, since once that has started the status is 200 whatever follows.
 */
export function tabLayout(action: ChannelAction) {
  return async function TabLayout({ children, params }: { children: ReactNode; params: Promise<{ channelId: string }> }) {
    const { channelId } = await params;
    if (!can(await loadChannelPage(channelId), action)) notFound();
    return children;
  };
}
