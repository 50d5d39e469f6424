import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { OutboxStatusBadge } from "@/components/notify/outbox-status-badge";
import { loadChannelPage } from "@/lib/console/request";
import { orNotFound } from "@/lib/console/or-not-found";
import { getOutboxMessageOrThrow } from "@/lib/notify/outbox";
import { formatUtc9 } from "@/lib/time";
import { getLocale, getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("email") };
}

export default async function OutboxMessagePage({
  params,
}: {
  params: Promise<{ channelId: string; messageId: string }>;
}) {
  const { channelId, messageId } = await params;
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  // Who may see the Outbox is checked by its layout.
  if (!/^\d{1,15}$/.test(messageId)) notFound();
  const [message, t, pages, locale] = await Promise.all([
    orNotFound(getOutboxMessageOrThrow(access, Number(messageId))),
    getTranslations("outbox"),
    getTranslations("pages"),
    getLocale(),
  ]);
  const headers: [string, string][] = [
    [t("subject"), message.subject],
    [t("to"), message.to],
    [t("date"), `${formatUtc9(message.createdAt, locale)} (UTC+9)`],
  ];
  return (
    <>
      <p>
        <Link href={`/channels/${channel.id}/outbox`}>{t("back")}</Link>
      </p>
      <section className="card" aria-label={pages("email")}>
        <h2>{message.subject}</h2>
        {headers.map(([label, value]) => (
          <div className="setting" key={label}>
            <div className="setting-label">{label}</div>
            <div className="setting-value">{value}</div>
          </div>
        ))}
        <div className="setting">
          <div className="setting-label">{t("status")}</div>
          <div className="setting-value">
            <OutboxStatusBadge status={message.status} lastError={message.lastError} />
            {message.attempts > 0 && <div className="small muted">{t("smtpAttempts", { n: message.attempts })}</div>}
            {message.nextAttemptAt && !message.sentAt && (
              <div className="small muted">{t("nextAttempt", { at: formatUtc9(message.nextAttemptAt, locale) })}</div>
            )}
          </div>
        </div>
      </section>
      <section className="card" aria-label={t("textAria")}>
        <h2>{t("text")}</h2>
        <pre className="mono small pre-wrap" data-testid="email-text">
          {message.text}
        </pre>
      </section>
      <section className="card" aria-label={t("htmlAria")}>
        <h2>{t("html")}</h2>
        {/* No scripts, no same origin: the email's markup can do nothing to the console. */}
        <iframe title={t("htmlFrame")} sandbox="" srcDoc={message.html} className="email-frame" />
      </section>
    </>
  );
}
