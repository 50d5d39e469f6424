import type { Metadata } from "next";
import Link from "next/link";
import { AttemptOutcome } from "@/components/channel/attempt-outcome";
import { notFound } from "next/navigation";
import { RedeliverButton } from "@/components/channel/redeliver-button";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { loadChannelPage } from "@/lib/console/request";
import { EVENT_STATUS_LABELS, EventStatus, isUnfinished } from "@/lib/delivery/lifecycle";
import { NotFoundError } from "@/lib/errors";
import { getEventHistory } from "@/lib/console/events";
import { formatUtc9 } from "@/lib/time";

export const metadata: Metadata = { title: "Webhook event" };

export default async function EventPage({
  params,
}: {
  params: Promise<{ channelId: string; webhookEventId: string }>;
}) {
  const { channelId, webhookEventId } = await params;
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  const history = await getEventHistory(access, webhookEventId).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
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
        {history.attempts.length === 0 ? (
          <p className="muted">Not sent yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Time (UTC+9)</th>
                <th>Send</th>
                <th>Outcome</th>
                <th>Duration</th>
              </tr>
            </thead>
            <tbody>
              {history.attempts.map((a, i) => (
                <tr key={a.id} data-testid="event-attempt">
                  <td className="mono">{formatUtc9(a.startedAt)}</td>
                  <td>{i === 0 && !a.isRedelivery ? "First send" : "Redelivery"}</td>
                  <td>
                    <AttemptOutcome attempt={a} />
                  </td>
                  <td className="mono">{Math.round(a.durationMs)} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card">
        <h2>Event</h2>
        <pre className="mono small" style={{ whiteSpace: "pre-wrap" }}>
          {history.json}
        </pre>
      </section>
    </>
  );
}
