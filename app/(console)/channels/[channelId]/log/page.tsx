import type { Metadata } from "next";
import Link from "next/link";
import { AttemptOutcome } from "@/components/channel/attempt-outcome";
import { notFound } from "next/navigation";
import { listAttempts } from "@/lib/console/attempts";
import { loadChannelPage } from "@/lib/console/request";
import { can } from "@/lib/console/access";
import { formatUtc9 } from "@/lib/time";

export const metadata: Metadata = { title: "Delivery log" };

const KIND_LABELS: Record<string, string> = { event: "Webhook", verify: "Verify", test: "API test" };

function ms(value: number | null): string {
  return value === null ? "–" : `${Math.round(value)} ms`;
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
  if (!can(access, "read")) notFound();
  const beforeId = before && /^\d+$/.test(before) ? Number(before) : undefined;
  const attempts = await listAttempts(access, { before: beforeId, limit: 50 });
  return (
    <section className="card" aria-label="Delivery log">
      <h2>Delivery log</h2>
      <p className="muted small">
        Every request sent to the bot server, newest first. Times are UTC+9. Verify and API tests are listed but never
        counted in error statistics.
      </p>
      {attempts.length === 0 ? (
        <p className="muted">No requests sent yet.</p>
      ) : (
        <table>
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
            {attempts.map((a) => (
              <tr key={a.id} data-testid="attempt">
                <td className="mono">{formatUtc9(a.startedAt)}</td>
                <td>
                  {KIND_LABELS[a.kind] ?? a.kind}
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
                    <pre className="mono small" style={{ whiteSpace: "pre-wrap", maxWidth: 520 }}>{a.requestExcerpt}</pre>
                    {a.responseExcerpt !== null && (
                      <pre className="mono small" style={{ whiteSpace: "pre-wrap", maxWidth: 520 }}>{a.responseExcerpt || "(empty response body)"}</pre>
                    )}
                  </details>
                </td>
                <td className="mono">{ms(a.durationMs)}</td>
                <td className="small muted">
                  DNS {ms(a.dnsMs)} · connect {ms(a.connectMs)} · TLS {ms(a.tlsMs)} · first byte {ms(a.firstByteMs)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {attempts.length === 50 && (
        <p>
          <Link href={`/channels/${channel.id}/log?before=${attempts[attempts.length - 1].id}`}>Older requests →</Link>
        </p>
      )}
    </section>
  );
}
