import type { Metadata } from "next";
import Link from "next/link";
import { OutboxStatusBadge } from "@/components/notify/outbox-status-badge";
import { DataTable } from "@/components/ui/data-table";
import { loadChannelPage } from "@/lib/console/request";
import { isSmtpConfigured, listOutbox } from "@/lib/notify/outbox";
import { formatUtc9 } from "@/lib/time";
import { getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("outbox") };
}

export default async function OutboxPage({ params }: { params: Promise<{ channelId: string }> }) {
  const { channelId } = await params;
  const access = await loadChannelPage(channelId);
  const { channel } = access;
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
      <DataTable
        headers={["Time (UTC+9)", "To", "Subject", "Status"]}
        rows={messages}
        rowKey={(m) => m.id}
        rowTestId="outbox-row"
        empty="No emails yet. Turn on Error notification in Basic settings to get them."
      >
        {(m) => (
          <>
            <td className="mono">{formatUtc9(m.createdAt)}</td>
            <td className="small">{m.to}</td>
            <td>
              <Link href={`/channels/${channel.id}/outbox/${m.id}`}>{m.subject}</Link>
            </td>
            <td>
              <OutboxStatusBadge status={m.status} lastError={m.lastError} />
            </td>
          </>
        )}
      </DataTable>
    </section>
  );
}
