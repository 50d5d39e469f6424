import type { Metadata } from "next";
import { ErrorChart } from "@/components/webhook-errors/error-chart";
import { ErrorFilters } from "@/components/webhook-errors/error-filters";
import { ErrorLegend, NotAggregatedNote, NotKeptNote } from "@/components/webhook-errors/error-legend";
import { ErrorRows } from "@/components/webhook-errors/error-rows";
import { EndpointHealthPanel } from "@/components/webhook-errors/endpoint-health";
import { LiveUpdates } from "@/components/webhook-errors/live-updates";
import { AggregationOffNotice, ChartEmptyState, InvalidViewNotice } from "@/components/webhook-errors/notices";
import { RangeSummary } from "@/components/webhook-errors/range-summary";
import { getEndpointHealth } from "@/lib/console/endpoint-health";
import { loadChannelPage } from "@/lib/console/request";
import { canManageChannel } from "@/lib/console/roles";
import { retentionSettings } from "@/lib/retention/settings";
import { getErrorChart, getRecentErrorsStamp, listErrorRows } from "@/lib/statistics/queries";
import { REASON_ORDER } from "@/lib/statistics/reason-colors";
import {
  parseWebhookErrorsSearch,
  RANGE_PRESETS,
  type RangePreset,
  tsvSearch,
  type SearchParamsInput,
} from "@/lib/statistics/search-params";
import { formatUtc9Input, MINUTE_MS } from "@/lib/statistics/utc9";
import { getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("webhookErrors") };
}

export default async function WebhookErrorsPage({
  params,
  searchParams,
}: {
  params: Promise<{ channelId: string }>;
  searchParams: Promise<SearchParamsInput>;
}) {
  const [{ channelId }, search] = await Promise.all([params, searchParams]);
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  const basePath = `/channels/${channel.id}/webhook-errors`;

  if (!channel.errorStatisticsAggregation) {
    return <AggregationOffNotice channelId={channel.id} canManage={canManageChannel(channel.role)} />;
  }
  const parsed = parseWebhookErrorsSearch(search);
  if (!parsed.ok) return <InvalidViewNotice problems={parsed.problems} basePath={basePath} />;

  const { query } = parsed;
  // A live range ends at the time of this render; the live check looks a little further back, so
  // that nothing written meanwhile is missed.
  const since = query.range.chartEnd - 2 * MINUTE_MS;
  const [chart, rows, stamp, health, t, pages] = await Promise.all([
    getErrorChart(access, query),
    listErrorRows(access, query),
    query.range.isLive ? getRecentErrorsStamp(access, since) : Promise.resolve(null),
    getEndpointHealth(access, query.range.from, query.range.to),
    getTranslations("we"),
    getTranslations("pages"),
  ]);
  const presets = (Object.keys(RANGE_PRESETS) as RangePreset[]).map((value) => ({ value, label: t(`presets.${value}`) }));

  return (
    <>
      <section className="card" aria-label={pages("webhookErrors")}>
        <div className="we-head">
          <div>
            <h2>{pages("webhookErrors")}</h2>
            <p className="muted small we-zone-note">{t.rich("zoneNote", { strong: (chunks) => <strong>{chunks}</strong> })}</p>
          </div>
          <a className="button primary" href={`/api/channels/${channel.id}/webhook-errors/tsv${tsvSearch(query)}`} download>
            {t("downloadTsv")}
          </a>
        </div>
        <ErrorFilters
          action={basePath}
          presets={presets}
          preset={query.range.preset}
          from={formatUtc9Input(query.range.from)}
          to={formatUtc9Input(query.range.to)}
          reasons={REASON_ORDER}
          reason={query.reason ?? ""}
          detail={query.detail ?? ""}
          details={chart.detailsSeen}
        />
      </section>
      <section className="card" aria-label={t("overTimeAria")}>
        <RangeSummary chart={chart} isLive={query.range.isLive} />
        <ErrorLegend chart={chart} reason={query.reason} />
        {chart.totalErrors === 0 ? (
          <ChartEmptyState chart={chart} isFiltered={query.reason !== null || query.detail !== null} />
        ) : (
          <ErrorChart chart={chart} logPath={`/channels/${channel.id}/log`} detail={query.detail} />
        )}
        <NotKeptNote chart={chart} retentionDays={retentionSettings().errorStatisticsDays} />
        <NotAggregatedNote chart={chart} />
      </section>
      <EndpointHealthPanel health={health} logPath={`/channels/${channel.id}/log`} now={new Date(query.range.chartEnd)} />
      <ErrorRows page={rows} query={query} basePath={basePath} logPath={`/channels/${channel.id}/log`} totalRows={chart.totalRows} />
      {stamp !== null && (
        <LiveUpdates stampUrl={`/api/channels/${channel.id}/webhook-errors/stamp?since=${since}`} stamp={stamp} />
      )}
    </>
  );
}
