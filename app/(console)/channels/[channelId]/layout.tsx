import Link from "next/link";
import { getTranslations } from "next-intl/server";
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
  const [delivery, t, pages] = await Promise.all([getChannelDeliveryStatus(access), getTranslations("channel"), getTranslations("pages")]);
  const base = `/channels/${channel.id}`;
  return (
    <>
      <div className="breadcrumb">
        <Link href="/providers">{pages("providers")}</Link> / <Link href={`/providers/${channel.providerId}`}>{channel.providerName}</Link> /
      </div>
      <div className="page-head">
        <div>
          <h1>{channel.name}</h1>
          <p className="subtitle">
            Messaging API · {t("channelId")} <span className="mono">{channel.id}</span> · {t("youAre")}{" "}
            <RoleBadge role={channel.role} />
          </p>
        </div>
        <DeliveryStatus status={delivery} />
      </div>
      <nav className="tabs" aria-label={t("tabs")}>
        <NavLink href={`${base}/basic`}>{t("tab.basic")}</NavLink>
        <NavLink href={`${base}/messaging-api`}>{t("tab.messagingApi")}</NavLink>
        <NavLink href={`${base}/simulator`}>{t("tab.simulator")}</NavLink>
        {canReadSettings(channel.role) && <NavLink href={`${base}/log`}>{t("tab.log")}</NavLink>}
        <NavLink href={`${base}/roles`}>{t("tab.roles")}</NavLink>
        {canSeeWebhookErrors(channel.role, channel.errorStatisticsAggregation) && (
          <NavLink href={`${base}/webhook-errors`}>{t("tab.webhookErrors")}</NavLink>
        )}
        {canManageChannel(channel.role) && <NavLink href={`${base}/outbox`}>{t("tab.outbox")}</NavLink>}
      </nav>
      {children}
    </>
  );
}
