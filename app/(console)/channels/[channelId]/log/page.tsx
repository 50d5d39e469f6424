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
import { formatUtc9 } from "@/lib/time";
import { DETAILS } from "@/lib/webhook/reasons";
import { getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("deliveryLog") };
}

/** Sends shown per page. */
const PAGE_SIZE = 50;

const NUMBER = new Intl.NumberFormat("en-US");

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
  return (
    <section className="card" aria-label="Delivery log">
      <h2>Delivery log</h2>
      <p className="muted small">
        Every request sent to the bot server, newest first. Times are UTC+9. Verify and API tests are listed but never
        counted in error statistics. Keys: <kbd>j</kbd> next, <kbd>k</kbd> previous, <kbd>Enter</kbd> opens.
      </p>
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
                  ? `No send among the ${NUMBER.format(result.searched.scanned)} read so far matches these filters.`
                  : "No send matches these filters."
                : "No requests sent yet."}
            </p>
          ) : (
            <AttemptTable attempts={result.attempts} channelId={channel.id} />
          )}
          <nav className="we-pager" aria-label="Pages of requests">
            {!isNewest && <Link href={`${basePath}${deliveryLogSearch(query.filter)}`}>Newest</Link>}
            {result.newer !== null && (
              <Link href={`${basePath}${deliveryLogSearch(query.filter, { direction: "newer", id: result.newer })}`}>← Newer requests</Link>
            )}
            {result.older !== null && (
              <Link href={`${basePath}${deliveryLogSearch(query.filter, { direction: "older", id: result.older })}`}>Older requests →</Link>
            )}
            {result.searched && (
              <span className="small muted" data-testid="log-searched">
                The payload filter read {NUMBER.format(result.searched.scanned)} sends back to {formatUtc9(result.searched.startedAt)}{" "}
                (at most {NUMBER.format(PAYLOAD_SCAN_LIMIT)} a page).{" "}
                <Link href={`${basePath}${deliveryLogSearch(query.filter, { direction: "older", id: result.searched.older })}`}>
                  Search older sends →
                </Link>
              </span>
            )}
          </nav>
        </>
      )}
    </section>
  );
}

function AttemptTable({ attempts, channelId }: { attempts: DeliveryLogResult["attempts"]; channelId: string }) {
  return (
    <table className="log-rows">
      <thead>
        <tr>
          <th>Time (UTC+9)</th>
          <th>Kind</th>
          <th>Outcome</th>
          <th>Duration</th>
          <th>Phases</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a) => {
          const href = `/channels/${channelId}/log/${a.id}`;
          return (
            <tr key={a.id} data-testid="attempt" data-href={href} tabIndex={0} aria-label={`Request ${a.id}`}>
              <td className="mono">
                <Link href={href}>{formatUtc9(a.startedAt)}</Link>
              </td>
              <td>
                {attemptKindLabel(a.kind)}
                {a.isRedelivery && <span className="badge">redelivery</span>}
                {a.isEdited && <span className="badge">edited</span>}
                {a.webhookEventId && (
                  <div className="mono small">
                    <Link href={`/channels/${channelId}/events/${a.webhookEventId}`}>{a.webhookEventId}</Link>
                  </div>
                )}
              </td>
              <td>
                <AttemptOutcome attempt={a} />
                <details>
                  <summary className="small muted">Request and response</summary>
                  <div className="small">
                    POST {a.url}
                    {a.httpVersion ? ` (HTTP/${a.httpVersion})` : ""}
                  </div>
                  <pre className="mono small excerpt">{a.requestExcerpt}</pre>
                  {a.responseExcerpt !== null && <pre className="mono small excerpt">{a.responseExcerpt || "(empty response body)"}</pre>}
                </details>
              </td>
              <td className="mono">{formatMs(a.durationMs)}</td>
              <td className="small muted">
                DNS {formatMs(a.dnsMs)} · connect {formatMs(a.connectMs)} · TLS {formatMs(a.tlsMs)} · first byte {formatMs(a.firstByteMs)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
