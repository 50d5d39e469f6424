import { notFound } from "next/navigation";
import { can } from "@/lib/console/access";
import { loadChannelPage } from "@/lib/console/request";

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
  const access = await loadChannelPage(channelId);
  if (!can(access, "read")) notFound();
  return children;
}
