import type { Metadata } from "next";
import { AccessTokens } from "@/components/channel/access-tokens";
import { WebhookSettings } from "@/components/channel/webhook-settings";
import { DataTable } from "@/components/ui/data-table";
import { loadChannelPage } from "@/lib/console/request";
import { listAggregationPeriods } from "@/lib/console/channels";
import { can } from "@/lib/console/access";
import { canManageChannel, canReadSettings } from "@/lib/console/roles";
import { env } from "@/lib/env";
import { delayParts, formatUtc9 } from "@/lib/time";
import { listAccessTokens } from "@/lib/console/tokens";
import { findUrlRefusal } from "@/lib/console/attempts";
import { getLocale, getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("messagingApi") };
}

export default async function MessagingApiPage({ params }: { params: Promise<{ channelId: string }> }) {
  const { channelId } = await params;
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  // Testers see nothing of the channel access tokens, not even that there are any.
  const canSeeTokens = can(access, "read");
  const [periods, tokens, urlRefusal, t, locale] = await Promise.all([
    listAggregationPeriods(access),
    canSeeTokens ? listAccessTokens(access) : [],
    canSeeTokens ? findUrlRefusal(access) : null,
    getTranslations("messagingApi"),
    getLocale(),
  ]);
  const delay = (ms: number) => {
    const { n, unit } = delayParts(ms);
    return t(`delay.${unit}`, { n });
  };
  return (
    <>
      <section className="card">
        <h2>{t("botInfo")}</h2>
        <div className="setting">
          <div className="setting-label">{t("botUserId")}</div>
          <div className="setting-value mono">{channel.botUserId}</div>
        </div>
      </section>
      <WebhookSettings
        channelId={channel.id}
        canEdit={canManageChannel(channel.role)}
        canVerify={canReadSettings(channel.role)}
        redeliverySchedule={env().webhookRedeliverySchedule.map(delay)}
        urlRefusal={urlRefusal}
        settings={{
          webhookUrl: channel.webhookUrl,
          useWebhook: channel.useWebhook,
          webhookRedelivery: channel.webhookRedelivery,
          errorStatisticsAggregation: channel.errorStatisticsAggregation,
        }}
      />
      <section className="card" aria-label={t("aggregationHistoryAria")}>
        <h2>{t("aggregationHistory")}</h2>
        <p className="muted small">{t("aggregationHint")}</p>
        <DataTable
          headers={[t("turnedOn"), t("turnedOff")]}
          rows={periods}
          rowKey={(period) => period.startedAt.toISOString()}
          rowTestId="aggregation-period"
          empty={t("neverOn")}
        >
          {(period) => (
            <>
              <td className="mono">{formatUtc9(period.startedAt, locale)}</td>
              <td className="mono">{period.endedAt ? formatUtc9(period.endedAt, locale) : <strong>{t("stillOn")}</strong>}</td>
            </>
          )}
        </DataTable>
      </section>
      {canSeeTokens && (
        <AccessTokens
          channelId={channel.id}
          canManage={canManageChannel(channel.role)}
          tokens={tokens.map((token) => ({
            id: token.id,
            label: token.label,
            issuedAt: formatUtc9(token.createdAt, locale),
            expiresAt: token.expiresAt ? formatUtc9(token.expiresAt, locale) : null,
          }))}
        />
      )}
    </>
  );
}
