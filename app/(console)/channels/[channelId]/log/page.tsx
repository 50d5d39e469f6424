import type { Metadata } from "next";
import Link from "next/link";
import { AttemptOutcome } from "@/components/channel/attempt-outcome";
import { DataTable } from "@/components/ui/data-table";
import { listAttempts } from "@/lib/console/attempts";
import { loadChannelPage } from "@/lib/console/request";
import { attemptKindLabel, formatMs } from "@/lib/console/labels";
import { formatUtc9 } from "@/lib/time";

export const metadata: Metadata = { title: "Delivery log" };

/** Sends shown per page; a full page links to the next. */
const PAGE_SIZE = 50;

/** Request IDs are 32-bit integers in both databases: a larger `before` names no request. */
const MAX_ATTEMPT_ID = 2_147_483_647;

/** The request a page starts before, or null when `before` is not the ID of one. */
function readBefore(before: string): number | null {
  if (!/^\d+$/.test(before)) return null;
  const id = Number(before);
  return id >= 1 && id <= MAX_ATTEMPT_ID ? id : null;
}

export default async function DeliveryLogPage({
  params,
  searchParams,
}: {
  params: Promise<{ channelId: string }>;
  searchParams: Promise<{ before?: string }>;
}) {
  const { channelId } = await params;
  const { before } = await searchParams;
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  const beforeId = typeof before === "string" ? readBefore(before) : null;
  const attempts = await listAttempts(access, { before: beforeId ?? undefined, limit: PAGE_SIZE });
  return (
    <section className="card" aria-label="Delivery log">
      <h2>Delivery log</h2>
      <p className="muted small">
        Every request sent to the bot server, newest first. Times are UTC+9. Verify and API tests are listed but never
        counted in error statistics.
      </p>
      {before !== undefined && beforeId === null && (
        <p className="error" role="alert">
          This link&apos;s page of requests does not exist, so the newest requests are shown.
        </p>
      )}
      <DataTable
        headers={["Time (UTC+9)", "Kind", "Outcome", "Duration", "Phases"]}
        rows={attempts}
        rowKey={(a) => a.id}
        rowTestId="attempt"
        empty="No requests sent yet."
      >
        {(a) => (
          <>
            <td className="mono">{formatUtc9(a.startedAt)}</td>
            <td>
              {attemptKindLabel(a.kind)}
              {a.isRedelivery && <span className="badge">redelivery</span>}
              {a.webhookEventId && (
                <div className="mono small">
                  <Link href={`/channels/${channel.id}/events/${a.webhookEventId}`}>{a.webhookEventId}</Link>
                </div>
              )}
            </td>
            <td>
              <AttemptOutcome attempt={a} />
              <details>
                <summary className="small muted">Request and response</summary>
                <div className="small">POST {a.url}{a.httpVersion ? ` (HTTP/${a.httpVersion})` : ""}</div>
                <pre className="mono small excerpt">{a.requestExcerpt}</pre>
                {a.responseExcerpt !== null && (
                  <pre className="mono small excerpt">{a.responseExcerpt || "(empty response body)"}</pre>
                )}
              </details>
            </td>
            <td className="mono">{formatMs(a.durationMs)}</td>
            <td className="small muted">
              DNS {formatMs(a.dnsMs)} · connect {formatMs(a.connectMs)} · TLS {formatMs(a.tlsMs)} · first byte{" "}
              {formatMs(a.firstByteMs)}
            </td>
          </>
        )}
      </DataTable>
      {attempts.length === PAGE_SIZE && (
        <p>
          <Link href={`/channels/${channel.id}/log?before=${attempts[attempts.length - 1].id}`}>Older requests →</Link>
        </p>
      )}
    </section>
  );
}
