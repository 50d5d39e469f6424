import type { Metadata } from "next";
import Link from "next/link";
import { OutboxStatusBadge } from "@/components/notify/outbox-status-badge";
import { DataTable } from "@/components/ui/data-table";
import { loadChannelPage } from "@/lib/console/request";
import { isSmtpConfigured, listOutbox } from "@/lib/notify/outbox";
import { formatUtc9 } from "@/lib/time";
import { getLocale, getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("outbox") };
}

export default async function OutboxPage({ params }: { params: Promise<{ channelId: string }> }) {
  const { channelId } = await params;
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  const [messages, t, pages, locale] = await Promise.all([listOutbox(access), getTranslations("outbox"), getTranslations("pages"), getLocale()]);
  return (
    <section className="card" aria-label={pages("outbox")}>
      <h2>{pages("outbox")}</h2>
      <p className="muted small">
        {t("intro")} {isSmtpConfigured() ? t("smtp") : t("noSmtp")}
      </p>
      <DataTable
        headers={[t("time"), t("to"), t("subject"), t("status")]}
        rows={messages}
        rowKey={(m) => m.id}
        rowTestId="outbox-row"
        empty={t("empty")}
      >
        {(m) => (
          <>
            <td className="mono">{formatUtc9(m.createdAt, locale)}</td>
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
