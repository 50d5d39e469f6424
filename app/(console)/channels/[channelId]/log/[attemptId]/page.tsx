import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AttemptOutcome } from "@/components/channel/attempt-outcome";
import { RedeliverButton } from "@/components/channel/redeliver-button";
import { PayloadDiff } from "@/components/delivery-log/payload-diff";
import { EditAndSend, SendExport } from "@/components/delivery-log/send-tools";
import { SendTimeline } from "@/components/delivery-log/send-timeline";
import { can } from "@/lib/console/access";
import { getSendDetail } from "@/lib/console/attempts";
import { getEventHistory } from "@/lib/console/events";
import { MAX_ATTEMPT_ID } from "@/lib/console/delivery-log-search";
import { attemptKindLabel, formatMs, sendLabel } from "@/lib/console/labels";
import { prettyJson } from "@/lib/console/line-diff";
import { orNotFound } from "@/lib/console/or-not-found";
import { loadChannelPage } from "@/lib/console/request";
import { replyTokenWarning } from "@/lib/console/replay";
import { sendMeaning } from "@/lib/console/send-meaning";
import type { Locale } from "@/lib/i18n/locales";
import { formatUtc9 } from "@/lib/time";
import type { HeaderLine } from "@/lib/webhook/sender";
import { getLocale, getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("request") };
}

async function Headers({ headers, which }: { headers: HeaderLine[] | null; which: "request" | "response" }) {
  const t = await getTranslations("send");
  if (headers === null) return <p className="muted small">{t("noHeaders", { which })}</p>;
  return (
    <table className="send-headers" aria-label={t("headersAria", { which })}>
      <tbody>
        {headers.map(([name, value], i) => (
          <tr key={i} data-testid={`${which}-header`}>
            <td className="mono">{name}</td>
            <td className="mono">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The warning for an event whose reply token is too old to reply with, as the page is drawn. */
function staleReplyToken(eventJson: string, locale: Locale): string | null {
  const event = JSON.parse(eventJson) as { replyToken?: unknown; timestamp?: unknown };
  return typeof event.timestamp === "number" ? replyTokenWarning({ replyToken: event.replyToken, timestamp: event.timestamp }, Date.now(), locale) : null;
}

/** The first event of a request body, pretty-printed, for editing; null when the body has none. */
function editableEvent(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    const events = typeof parsed === "object" && parsed !== null && "events" in parsed ? parsed.events : null;
    return Array.isArray(events) && events.length > 0 ? JSON.stringify(events[0], null, 2) : null;
  } catch {
    return null;
  }
}

export default async function SendPage({ params }: { params: Promise<{ channelId: string; attemptId: string }> }) {
  const { channelId, attemptId } = await params;
  const access = await loadChannelPage(channelId);
  const { channel } = access;
  const id = /^\d{1,10}$/.test(attemptId) ? Number(attemptId) : 0;
  if (id < 1 || id > MAX_ATTEMPT_ID) notFound();
  const send = await orNotFound(getSendDetail(access, id));
  const responseKept = send.responseExcerpt === null ? 0 : Buffer.byteLength(send.responseExcerpt, "utf8");
  const responseCut = send.responseBytes !== null && send.responseBytes > responseKept;
  const logPath = `/channels/${channel.id}/log`;
  const isAdmin = can(access, "manage");
  const canSendAgain = isAdmin && send.kind === "event" && send.webhookEventId !== null && (await getEventHistory(access, send.webhookEventId)).canRedeliver;
  const editable = isAdmin ? editableEvent(send.body) : null;
  const [t, log, pages, locale] = await Promise.all([getTranslations("send"), getTranslations("log"), getTranslations("pages"), getLocale()]);
  const bytes = (n: number) => t("bytes", { n });
  return (
    <>
      <div className="breadcrumb">
        <Link href={logPath}>{pages("deliveryLog")}</Link> /
      </div>
      <section className="card" aria-label={pages("request")}>
        <h2>
          {t("title", { kind: attemptKindLabel(send.kind, locale) })} <span className="mono muted">#{send.id}</span>
        </h2>
        <div className="setting">
          <div className="setting-label">{t("sent")}</div>
          <div className="setting-value mono">{formatUtc9(send.startedAt, locale)} (UTC+9)</div>
        </div>
        <div className="setting">
          <div className="setting-label">{t("outcome")}</div>
          <div className="setting-value" data-testid="send-outcome">
            <AttemptOutcome attempt={send} /> <span className="mono muted">{formatMs(send.durationMs)}</span>
          </div>
        </div>
        {send.webhookEventId && (
          <div className="setting">
            <div className="setting-label">{t("event")}</div>
            <div className="setting-value mono">
              <Link href={`/channels/${channel.id}/events/${send.webhookEventId}`}>{send.webhookEventId}</Link>
              {send.isRedelivery && <span className="badge">{log("redeliveryBadge")}</span>}
              {send.isEdited && <span className="badge">{log("editedBadge")}</span>}
            </div>
          </div>
        )}
      </section>

      <section className="card" aria-label={t("tryAgain")}>
        <h2>{t("tryAgain")}</h2>
        {canSendAgain && send.webhookEventId && (
          <div className="setting">
            <div>
              <div className="setting-label">{t("sendAgain")}</div>
              <div className="setting-help">{t("sendAgainHelp")}</div>
            </div>
            <div className="setting-value">
              <RedeliverButton channelId={channel.id} webhookEventId={send.webhookEventId} label={t("sendAgain")} />
            </div>
          </div>
        )}
        <SendExport channelId={channel.id} attemptId={send.id} />
        {editable !== null && (
          <details className="edit-and-send">
            <summary>{t("editAndSend")}</summary>
            <p className="small muted">{t("editAndSendHelp")}</p>
            <EditAndSend channelId={channel.id} eventJson={editable} warning={staleReplyToken(editable, locale)} />
          </details>
        )}
      </section>

      <section className="card" aria-label={t("timing")}>
        <h2>{t("timing")}</h2>
        <SendTimeline dnsMs={send.dnsMs} connectMs={send.connectMs} tlsMs={send.tlsMs} firstByteMs={send.firstByteMs} durationMs={send.durationMs} />
        <p data-testid="send-meaning">{sendMeaning(send, locale)}</p>
      </section>

      <section className="card" aria-label={t("requestSentAria")}>
        <h2>{t("request")}</h2>
        <p className="mono" data-testid="request-line">
          POST {send.url}
        </p>
        <Headers headers={send.requestHeaders} which="request" />
        <h3>
          {t("body")} <span className="muted small" data-testid="request-size">{bytes(send.bodyBytes)}</span>
          {!send.bodyComplete && <span className="small send-cut"> {t("bodyCut", { n: send.body.length })}</span>}
        </h3>
        <div className="send-columns">
          <div>
            <div className="we-label">{t("asSent")}</div>
            <pre className="mono small pre-wrap" data-testid="request-body">{send.body}</pre>
          </div>
          <div>
            <div className="we-label">{t("json")}</div>
            <pre className="mono small">{prettyJson(send.body)}</pre>
          </div>
        </div>
      </section>

      <section className="card" aria-label={t("response")}>
        <h2>{t("response")}</h2>
        {send.statusCode === null ? (
          <p className="muted">{t("noResponse", { detail: send.success ? "" : (send.detail ?? "") })}</p>
        ) : (
          <>
            <p className="mono" data-testid="response-line">
              {send.httpVersion ? `HTTP/${send.httpVersion} ` : ""}
              {send.statusCode}
              {send.remoteAddress && <span className="muted"> {t("from", { address: send.remoteAddress })}</span>}
            </p>
            <Headers headers={send.responseHeaders} which="response" />
            <h3>
              {t("body")}{" "}
              {send.responseBytes !== null && <span className="muted small" data-testid="response-size">{bytes(send.responseBytes)}</span>}
              {responseCut && (
                <span className="small send-cut" data-testid="response-cut">
                  {" "}
                  {t("responseCut", { kept: bytes(responseKept) })}
                </span>
              )}
            </h3>
            <pre className="mono small pre-wrap">{send.responseExcerpt || log("emptyBody")}</pre>
          </>
        )}
      </section>

      {send.eventSends.length > 0 && (
        <section className="card" aria-label={t("eventSends")}>
          <h2>{t("eventSends")}</h2>
          <table>
            <tbody>
              {send.eventSends.map((s, i) => (
                <tr key={s.id} data-testid="event-send">
                  <td className="mono">
                    {s.id === send.id ? <strong>{formatUtc9(s.startedAt, locale)}</strong> : <Link href={`${logPath}/${s.id}`}>{formatUtc9(s.startedAt, locale)}</Link>}
                  </td>
                  <td>{sendLabel(i, s.isRedelivery, locale)}</td>
                  <td>
                    <AttemptOutcome attempt={s} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {send.eventSends.length > 1 && (
            <PayloadDiff
              sends={send.eventSends.map((s, i) => ({ id: s.id, label: `${sendLabel(i, s.isRedelivery, locale)} · ${formatUtc9(s.startedAt, locale)}`, body: s.body }))}
            />
          )}
        </section>
      )}
    </>
  );
}
