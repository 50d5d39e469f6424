import type { Metadata } from "next";
import Link from "next/link";
import { BulkRedelivery } from "@/components/delivery-log/bulk-redelivery";
import { LiveTail } from "@/components/delivery-log/live-tail";
import { LogFilters, type LogFilterValues } from "@/components/delivery-log/log-filters";
import { RowKeys } from "@/components/delivery-log/row-keys";
import { AttemptOutcome } from "@/components/channel/attempt-outcome";
import { listDeliveryLog, PAYLOAD_SCAN_LIMIT, type DeliveryLogResult } from "@/lib/console/attempts";
import {
  deliveryLogSearch,
  EVENT_TYPES,
  formatPayloadFilter,
  formatUtc9Seconds,
  isFiltered,
  parseDeliveryLogSearch,
  type DeliveryLogFilter,
} from "@/lib/console/delivery-log-search";
import { can } from "@/lib/console/access";
import { loadChannelPage } from "@/lib/console/request";
import { attemptKindLabel, formatMs } from "@/lib/console/labels";
import type { SearchParamsInput } from "@/lib/statistics/search-params";
import { REASON_ORDER } from "@/lib/statistics/reason-colors";
import type { Locale } from "@/lib/i18n/locales";
import { formatUtc9 } from "@/lib/time";
import { DETAILS } from "@/lib/webhook/reasons";
import { getLocale, getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("deliveryLog") };
}

/** Sends shown per page. */
const PAGE_SIZE = 50;

/** The URL's raw values, for the form to show back what was asked, a mistake included. */
function rawValues(search: SearchParamsInput): LogFilterValues {
  const get = (key: string) => {
    const value = search instanceof URLSearchParams ? search.get(key) : [search[key] ?? []].flat()[0];
    return value ?? "";
  };
  return {
    webhookEventId: get("webhookEventId"),
    type: get("type"),
    source: get("source"),
    outcome: get("outcome"),
    reason: get("reason"),
    detail: get("detail"),
    status: get("status"),
    kind: get("kind"),
    send: get("send"),
    from: get("from"),
    to: get("to"),
    payload: get("payload"),
  };
}

function filterValues(filter: DeliveryLogFilter): LogFilterValues {
  return {
    webhookEventId: filter.webhookEventId ?? "",
    type: filter.eventType ?? "",
    source: filter.source ?? "",
    outcome: filter.outcome ?? "",
    reason: filter.reason ?? "",
    detail: filter.detail ?? "",
    status: filter.statusCode === null ? "" : String(filter.statusCode),
    kind: filter.kind ?? "",
    send: filter.send ?? "",
    from: filter.from === null ? "" : formatUtc9Seconds(filter.from),
    to: filter.to === null ? "" : formatUtc9Seconds(filter.to),
    payload: filter.payload ? formatPayloadFilter(filter.payload) : "",
  };
}

export default async function DeliveryLogPage({
  params,
  searchParams,
}: {
  params: Promise<{ channelId: string }>;
  searchParams: Promise<SearchParamsInput>;
}) {
  const [{ channelId }, search] = await Promise.all([params, searchParams]);
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  const basePath = `/channels/${channel.id}/log`;
  const parsed = parseDeliveryLogSearch(search);
  const query = parsed.query;
  const result: DeliveryLogResult | null = query ? await listDeliveryLog(access, query, PAGE_SIZE) : null;
  const filter = query?.filter ?? null;
  const filtered = filter !== null && isFiltered(filter);
  const isNewest = query !== null && query.page === null;
  const [t, pages, locale] = await Promise.all([getTranslations("log"), getTranslations("pages"), getLocale()]);
  return (
    <section className="card" aria-label={pages("deliveryLog")}>
      <h2>{pages("deliveryLog")}</h2>
      <p className="muted small">{t.rich("intro", { kbd: (chunks) => <kbd>{chunks}</kbd> })}</p>
      <LogFilters
        // A new view starts a new form: its fields show that view's filters, not the last ones typed.
        key={filter ? deliveryLogSearch(filter) : "invalid"}
        action={basePath}
        values={filter ? filterValues(filter) : rawValues(search)}
        eventTypes={EVENT_TYPES}
        reasons={REASON_ORDER}
        details={Object.keys(DETAILS)}
      />
      {parsed.problems.length > 0 && (
        <div className="error" role="alert" data-testid="log-problems">
          {parsed.problems.map((problem) => (
            <p key={problem}>{problem}</p>
          ))}
        </div>
      )}
      {query && result && (
        <>
          {can(access, "manage") && <BulkRedelivery channelId={channel.id} search={deliveryLogSearch(query.filter)} />}
          <LiveTail available={isNewest} />
          <RowKeys />
          {result.attempts.length === 0 ? (
            <p className="muted" data-testid="log-empty">
              {filtered
                ? result.searched
                  ? t("emptyScanned", { count: result.searched.scanned })
                  : t("emptyFiltered")
                : t("empty")}
            </p>
          ) : (
            <AttemptTable attempts={result.attempts} channelId={channel.id} locale={locale} />
          )}
          <nav className="we-pager" aria-label={t("pagesAria")}>
            {!isNewest && <Link href={`${basePath}${deliveryLogSearch(query.filter)}`}>{t("newest")}</Link>}
            {result.newer !== null && (
              <Link href={`${basePath}${deliveryLogSearch(query.filter, { direction: "newer", id: result.newer })}`}>{t("newer")}</Link>
            )}
            {result.older !== null && (
              <Link href={`${basePath}${deliveryLogSearch(query.filter, { direction: "older", id: result.older })}`}>{t("older")}</Link>
            )}
            {result.searched && (
              <span className="small muted" data-testid="log-searched">
                {t("searched", { count: result.searched.scanned, since: formatUtc9(result.searched.startedAt, locale), limit: PAYLOAD_SCAN_LIMIT })}{" "}
                <Link href={`${basePath}${deliveryLogSearch(query.filter, { direction: "older", id: result.searched.older })}`}>
                  {t("searchOlder")}
                </Link>
              </span>
            )}
          </nav>
        </>
      )}
    </section>
  );
}

async function AttemptTable({ attempts, channelId, locale }: { attempts: DeliveryLogResult["attempts"]; channelId: string; locale: Locale }) {
  const t = await getTranslations("log");
  return (
    <table className="log-rows">
      <thead>
        <tr>
          <th>{t("time")}</th>
          <th>{t("kind")}</th>
          <th>{t("outcome")}</th>
          <th>{t("duration")}</th>
          <th>{t("phases")}</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a) => {
          const href = `/channels/${channelId}/log/${a.id}`;
          return (
            <tr key={a.id} data-testid="attempt" data-href={href} tabIndex={0} aria-label={t("requestAria", { id: a.id })}>
              <td className="mono">
                <Link href={href}>{formatUtc9(a.startedAt, locale)}</Link>
              </td>
              <td>
                {attemptKindLabel(a.kind, locale)}
                {a.isRedelivery && <span className="badge">{t("redeliveryBadge")}</span>}
                {a.isEdited && <span className="badge">{t("editedBadge")}</span>}
                {a.webhookEventId && (
                  <div className="mono small">
                    <Link href={`/channels/${channelId}/events/${a.webhookEventId}`}>{a.webhookEventId}</Link>
                  </div>
                )}
              </td>
              <td>
                <AttemptOutcome attempt={a} />
                <details>
                  <summary className="small muted">{t("requestAndResponse")}</summary>
                  <div className="small">
                    POST {a.url}
                    {a.httpVersion ? ` (HTTP/${a.httpVersion})` : ""}
                  </div>
                  <pre className="mono small excerpt">{a.requestExcerpt}</pre>
                  {a.responseExcerpt !== null && <pre className="mono small excerpt">{a.responseExcerpt || t("emptyBody")}</pre>}
                </details>
              </td>
              <td className="mono">{formatMs(a.durationMs)}</td>
              <td className="small muted">
                {t("phaseLine", { dns: formatMs(a.dnsMs), connect: formatMs(a.connectMs), tls: formatMs(a.tlsMs), firstByte: formatMs(a.firstByteMs) })}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
