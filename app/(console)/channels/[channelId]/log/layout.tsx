import { notFound } from "next/navigation";
import { loadChannelPage } from "@/lib/channel-page";
import { canReadSettings } from "@/lib/roles";

/**
 * Answers 404 to those who may not see this tab (Testers have no Delivery log) before the tab's
 * loading skeleton starts the response: once it has started, the status is 200 whatever follows.
 */
export default async function DeliveryLogLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ channelId: string }>;
}) {
  const { channelId } = await params;
  const { channel } = await loadChannelPage(channelId);
  if (!canReadSettings(channel.role)) notFound();
  return children;
}
