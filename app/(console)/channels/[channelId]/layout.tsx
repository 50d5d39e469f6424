import Link from "next/link";
import { DeliveryStatus } from "@/components/channel/delivery-status";
import { NavLink } from "@/components/ui/nav-link";
import { RoleBadge } from "@/components/ui/role-badge";
import { loadChannelPage } from "@/lib/console/request";
import { getChannelDeliveryStatus } from "@/lib/operations/delivery-state";
import { canManageChannel, canReadSettings, canSeeWebhookErrors } from "@/lib/console/roles";

export default async function ChannelLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ channelId: string }>;
}) {
  const { channelId } = await params;
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  const delivery = await getChannelDeliveryStatus(access);
  const base = `/channels/${channel.id}`;
  return (
    <>
      <div className="breadcrumb">
        <Link href="/providers">Providers</Link> / <Link href={`/providers/${channel.providerId}`}>{channel.providerName}</Link> /
      </div>
      <div className="page-head">
        <div>
          <h1>{channel.name}</h1>
          <p className="subtitle">
            Messaging API · Channel ID <span className="mono">{channel.id}</span> · You are{" "}
            <RoleBadge role={channel.role} />
          </p>
        </div>
        <DeliveryStatus status={delivery} />
      </div>
      <nav className="tabs" aria-label="Channel">
        <NavLink href={`${base}/basic`}>Basic settings</NavLink>
        <NavLink href={`${base}/messaging-api`}>Messaging API</NavLink>
        <NavLink href={`${base}/simulator`}>Simulator</NavLink>
        {canReadSettings(channel.role) && <NavLink href={`${base}/log`}>Delivery log</NavLink>}
        <NavLink href={`${base}/roles`}>Roles</NavLink>
        {canSeeWebhookErrors(channel.role, channel.errorStatisticsAggregation) && (
          <NavLink href={`${base}/webhook-errors`}>Webhook errors</NavLink>
        )}
        {canManageChannel(channel.role) && <NavLink href={`${base}/outbox`}>Outbox</NavLink>}
      </nav>
      {children}
    </>
  );
}
