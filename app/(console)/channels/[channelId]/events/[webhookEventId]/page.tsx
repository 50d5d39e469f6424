import type { Metadata } from "next";
import Link from "next/link";
import { AttemptOutcome } from "@/components/channel/attempt-outcome";
import { RedeliverButton } from "@/components/channel/redeliver-button";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { DataTable } from "@/components/ui/data-table";
import { loadChannelPage } from "@/lib/console/request";
import { formatMs, sendLabel } from "@/lib/console/labels";
import { orNotFound } from "@/lib/console/or-not-found";
import { EVENT_STATUS_LABELS, EventStatus, isUnfinished } from "@/lib/delivery/lifecycle";
import { getEventHistory } from "@/lib/console/events";
import { formatUtc9 } from "@/lib/time";
import { getTranslations } from "next-intl/server";

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
  return (
    <>
      <div className="breadcrumb">
        <Link href={`/channels/${channel.id}/log`}>Delivery log</Link> /
      </div>
      <section className="card" aria-label="Webhook event">
        <AutoRefresh active={inProgress} intervalMs={1500} />
        <h2>
          {history.type} event <span className="mono muted">{history.webhookEventId}</span>
        </h2>
        <div className="setting">
          <div className="setting-label">Status</div>
          <div className="setting-value" data-testid="event-status">
            {EVENT_STATUS_LABELS[history.status]}
            {history.status === EventStatus.retrying && history.nextAttemptAt && (
              <span className="muted"> · next try {formatUtc9(history.nextAttemptAt)} (UTC+9)</span>
            )}
          </div>
        </div>
        <div className="setting">
          <div className="setting-label">Accepted</div>
          <div className="setting-value mono">
            {formatUtc9(history.createdAt)} (UTC+9) · from {history.origin}
          </div>
        </div>
        {history.canRedeliver && (
          <div className="setting">
            <div>
              <div className="setting-label">Redeliver</div>
              <div className="setting-help">Sends the same event again now, marked isRedelivery: true.</div>
            </div>
            <div className="setting-value">
              <RedeliverButton channelId={channel.id} webhookEventId={history.webhookEventId} />
            </div>
          </div>
        )}
      </section>
      <section className="card" aria-label="Sends">
        <h2>Sends</h2>
        <DataTable
          headers={["Time (UTC+9)", "Send", "Outcome", "Duration"]}
          rows={history.attempts}
          rowKey={(a) => a.id}
          rowTestId="event-attempt"
          empty="Not sent yet."
        >
          {(a, i) => (
            <>
              <td className="mono">{formatUtc9(a.startedAt)}</td>
              <td>{sendLabel(i, a.isRedelivery)}</td>
              <td>
                <AttemptOutcome attempt={a} />
              </td>
              <td className="mono">{formatMs(a.durationMs)}</td>
            </>
          )}
        </DataTable>
      </section>
      <section className="card">
        <h2>Event</h2>
        <pre className="mono small pre-wrap">
          {history.json}
        </pre>
      </section>
    </>
  );
}
