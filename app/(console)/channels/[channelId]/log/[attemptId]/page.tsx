import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AttemptOutcome } from "@/components/channel/attempt-outcome";
import { getAttempt } from "@/lib/console/attempts";
import { MAX_ATTEMPT_ID } from "@/lib/console/delivery-log-search";
import { attemptKindLabel, formatMs } from "@/lib/console/labels";
import { orNotFound } from "@/lib/console/or-not-found";
import { loadChannelPage } from "@/lib/console/request";
import { formatUtc9 } from "@/lib/time";

export const metadata: Metadata = { title: "Request" };

export default async function SendPage({ params }: { params: Promise<{ channelId: string; attemptId: string }> }) {
  const { channelId, attemptId } = await params;
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  const id = /^\d{1,10}$/.test(attemptId) ? Number(attemptId) : 0;
  if (id < 1 || id > MAX_ATTEMPT_ID) notFound();
  const attempt = await orNotFound(getAttempt(access, id));
  return (
    <>
      <div className="breadcrumb">
        <Link href={`/channels/${channel.id}/log`}>Delivery log</Link> /
      </div>
      <section className="card" aria-label="Request">
        <h2>
          {attemptKindLabel(attempt.kind)} request <span className="mono muted">#{attempt.id}</span>
        </h2>
        <div className="setting">
          <div className="setting-label">Sent</div>
          <div className="setting-value mono">{formatUtc9(attempt.startedAt)} (UTC+9)</div>
        </div>
        <div className="setting">
          <div className="setting-label">Outcome</div>
          <div className="setting-value" data-testid="send-outcome">
            <AttemptOutcome attempt={attempt} /> <span className="mono muted">{formatMs(attempt.durationMs)}</span>
          </div>
        </div>
        {attempt.webhookEventId && (
          <div className="setting">
            <div className="setting-label">Event</div>
            <div className="setting-value mono">
              <Link href={`/channels/${channel.id}/events/${attempt.webhookEventId}`}>{attempt.webhookEventId}</Link>
              {attempt.isRedelivery && <span className="badge">redelivery</span>}
            </div>
          </div>
        )}
      </section>
      <section className="card" aria-label="Request sent">
        <h2>Request</h2>
        <div className="mono small">POST {attempt.url}</div>
        <pre className="mono small pre-wrap">{attempt.requestExcerpt}</pre>
      </section>
      <section className="card" aria-label="Response">
        <h2>Response</h2>
        <pre className="mono small pre-wrap">{attempt.responseExcerpt ?? "(no response)"}</pre>
      </section>
    </>
  );
}
