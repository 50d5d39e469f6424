import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { OutboxStatusBadge } from "@/components/notify/outbox-status-badge";
import { loadChannelPage } from "@/lib/console/request";
import { NotFoundError } from "@/lib/errors";
import { getOutboxMessageOrThrow, type OutboxMessage } from "@/lib/notify/outbox";
import { can } from "@/lib/console/access";
import { formatUtc9 } from "@/lib/time";

export const metadata: Metadata = { title: "Email" };

export default async function OutboxMessagePage({
  params,
}: {
  params: Promise<{ channelId: string; messageId: string }>;
}) {
  const { channelId, messageId } = await params;
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  if (!can(access, "seeOutbox") || !/^\d{1,15}$/.test(messageId)) notFound();
  let message: OutboxMessage;
  try {
    message = await getOutboxMessageOrThrow(access, Number(messageId));
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  const headers: [string, string][] = [
    ["Subject", message.subject],
    ["To", message.to],
    ["Date", `${formatUtc9(message.createdAt)} (UTC+9)`],
  ];
  return (
    <>
      <p>
        <Link href={`/channels/${channel.id}/outbox`}>← Outbox</Link>
      </p>
      <section className="card" aria-label="Email">
        <h2>{message.subject}</h2>
        {headers.map(([label, value]) => (
          <div className="setting" key={label}>
            <div className="setting-label">{label}</div>
            <div className="setting-value">{value}</div>
          </div>
        ))}
        <div className="setting">
          <div className="setting-label">Status</div>
          <div className="setting-value">
            <OutboxStatusBadge status={message.status} lastError={message.lastError} />
            {message.attempts > 0 && <div className="small muted">SMTP attempts: {message.attempts}</div>}
            {message.nextAttemptAt && !message.sentAt && (
              <div className="small muted">Next attempt: {formatUtc9(message.nextAttemptAt)} (UTC+9)</div>
            )}
          </div>
        </div>
      </section>
      <section className="card" aria-label="Text version">
        <h2>Text</h2>
        <pre className="mono small" data-testid="email-text" style={{ whiteSpace: "pre-wrap" }}>
          {message.text}
        </pre>
      </section>
      <section className="card" aria-label="HTML version">
        <h2>HTML</h2>
        {/* No scripts, no same origin: the email's markup can do nothing to the console. */}
        <iframe
          title="HTML version of the email"
          sandbox=""
          srcDoc={message.html}
          style={{ width: "100%", height: 360, border: "1px solid var(--line)", borderRadius: 6, background: "#fff" }}
        />
      </section>
    </>
  );
}
