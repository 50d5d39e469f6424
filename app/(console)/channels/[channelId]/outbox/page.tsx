import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { OutboxStatusBadge } from "@/components/notify/outbox-status-badge";
import { loadChannelPage } from "@/lib/console/request";
import { isSmtpConfigured, listOutbox } from "@/lib/notify/outbox";
import { can } from "@/lib/console/access";
import { formatUtc9 } from "@/lib/time";

export const metadata: Metadata = { title: "Outbox" };

export default async function OutboxPage({ params }: { params: Promise<{ channelId: string }> }) {
  const { channelId } = await params;
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  if (!can(access, "seeOutbox")) notFound();
  const messages = await listOutbox(access);
  return (
    <section className="card" aria-label="Outbox">
      <h2>Outbox</h2>
      <p className="muted small">
        The emails this channel sent, newest first. Times are UTC+9.{" "}
        {isSmtpConfigured()
          ? "They are delivered through the configured SMTP server; failed sends are retried."
          : "No SMTP server is configured (SMTP_URL), so emails stay here, in the local outbox."}
      </p>
      {messages.length === 0 ? (
        <p className="muted">No emails yet. Turn on Error notification in Basic settings to get them.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Time (UTC+9)</th>
              <th>To</th>
              <th>Subject</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id} data-testid="outbox-row">
                <td className="mono">{formatUtc9(m.createdAt)}</td>
                <td className="small">{m.to}</td>
                <td>
                  <Link href={`/channels/${channel.id}/outbox/${m.id}`}>{m.subject}</Link>
                </td>
                <td>
                  <OutboxStatusBadge status={m.status} lastError={m.lastError} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
