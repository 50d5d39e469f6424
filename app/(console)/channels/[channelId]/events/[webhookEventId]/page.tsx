import type { Metadata } from "next";
import Link from "next/link";
import { AttemptOutcome } from "@/components/channel/attempt-outcome";
import { RedeliverButton } from "@/components/channel/redeliver-button";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { DataTable } from "@/components/ui/data-table";
import { loadChannelPage } from "@/lib/console/request";
import { formatMs, sendLabel } from "@/lib/console/labels";
import { orNotFound } from "@/lib/console/or-not-found";
import { EventStatus, isUnfinished } from "@/lib/delivery/lifecycle";
import { getEventHistory } from "@/lib/console/events";
import { formatUtc9 } from "@/lib/time";
import { getLocale, getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("webhookEvent") };
}

export default async function EventPage({
  params,
}: {
  params: Promise<{ channelId: string; webhookEventId: string }>;
}) {
  const { channelId, webhookEventId } = await params;
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  const history = await orNotFound(getEventHistory(access, webhookEventId));
  const inProgress = isUnfinished(history.status);
  const [t, pages, locale] = await Promise.all([getTranslations("events"), getTranslations("pages"), getLocale()]);
  return (
    <>
      <div className="breadcrumb">
        <Link href={`/channels/${channel.id}/log`}>{pages("deliveryLog")}</Link> /
      </div>
      <section className="card" aria-label={pages("webhookEvent")}>
        <AutoRefresh active={inProgress} intervalMs={1500} />
        <h2>
          {t("title", { type: history.type })} <span className="mono muted">{history.webhookEventId}</span>
        </h2>
        <div className="setting">
          <div className="setting-label">{t("status")}</div>
          <div className="setting-value" data-testid="event-status">
            {t(`statuses.${history.status}`)}
            {history.status === EventStatus.retrying && history.nextAttemptAt && (
              <span className="muted"> · {t("nextTry", { at: formatUtc9(history.nextAttemptAt, locale) })}</span>
            )}
          </div>
        </div>
        <div className="setting">
          <div className="setting-label">{t("accepted")}</div>
          <div className="setting-value mono">
            {t("acceptedValue", { at: formatUtc9(history.createdAt, locale), origin: history.origin })}
          </div>
        </div>
        {history.canRedeliver && (
          <div className="setting">
            <div>
              <div className="setting-label">{t("redeliver")}</div>
              <div className="setting-help">{t("redeliverHelp")}</div>
            </div>
            <div className="setting-value">
              <RedeliverButton channelId={channel.id} webhookEventId={history.webhookEventId} />
            </div>
          </div>
        )}
      </section>
      <section className="card" aria-label={t("sends")}>
        <h2>{t("sends")}</h2>
        <DataTable
          headers={[t("time"), t("send"), t("outcome"), t("duration")]}
          rows={history.attempts}
          rowKey={(a) => a.id}
          rowTestId="event-attempt"
          empty={t("notSent")}
        >
          {(a, i) => (
            <>
              <td className="mono">{formatUtc9(a.startedAt, locale)}</td>
              <td>{sendLabel(i, a.isRedelivery, locale)}</td>
              <td>
                <AttemptOutcome attempt={a} />
              </td>
              <td className="mono">{formatMs(a.durationMs)}</td>
            </>
          )}
        </DataTable>
      </section>
      <section className="card">
        <h2>{t("event")}</h2>
        <pre className="mono small pre-wrap">
          {history.json}
        </pre>
      </section>
    </>
  );
}
