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
import { formatUtc9 } from "@/lib/time";
import type { HeaderLine } from "@/lib/webhook/sender";
import { getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("request") };
}

const NUMBER = new Intl.NumberFormat("en-US");

function bytes(n: number): string {
  return `${NUMBER.format(n)} ${n === 1 ? "byte" : "bytes"}`;
}

function Headers({ headers, label }: { headers: HeaderLine[] | null; label: string }) {
  if (headers === null) return <p className="muted small">No {label} headers: the send did not get that far, or was made before they were kept.</p>;
  return (
    <table className="send-headers" aria-label={`${label} headers`}>
      <tbody>
        {headers.map(([name, value], i) => (
          <tr key={i} data-testid={`${label.toLowerCase()}-header`}>
            <td className="mono">{name}</td>
            <td className="mono">{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The warning for an event whose reply token is too old to reply with, as the page is drawn. */
function staleReplyToken(eventJson: string): string | null {
  const event = JSON.parse(eventJson) as { replyToken?: unknown; timestamp?: unknown };
  return typeof event.timestamp === "number" ? replyTokenWarning({ replyToken: event.replyToken, timestamp: event.timestamp }, Date.now()) : null;
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
  return (
    <>
      <div className="breadcrumb">
        <Link href={logPath}>Delivery log</Link> /
      </div>
      <section className="card" aria-label="Request">
        <h2>
          {attemptKindLabel(send.kind)} request <span className="mono muted">#{send.id}</span>
        </h2>
        <div className="setting">
          <div className="setting-label">Sent</div>
          <div className="setting-value mono">{formatUtc9(send.startedAt)} (UTC+9)</div>
        </div>
        <div className="setting">
          <div className="setting-label">Outcome</div>
          <div className="setting-value" data-testid="send-outcome">
            <AttemptOutcome attempt={send} /> <span className="mono muted">{formatMs(send.durationMs)}</span>
          </div>
        </div>
        {send.webhookEventId && (
          <div className="setting">
            <div className="setting-label">Event</div>
            <div className="setting-value mono">
              <Link href={`/channels/${channel.id}/events/${send.webhookEventId}`}>{send.webhookEventId}</Link>
              {send.isRedelivery && <span className="badge">redelivery</span>}
              {send.isEdited && <span className="badge">edited</span>}
            </div>
          </div>
        )}
      </section>

      <section className="card" aria-label="Try again">
        <h2>Try again</h2>
        {canSendAgain && send.webhookEventId && (
          <div className="setting">
            <div>
              <div className="setting-label">Send again</div>
              <div className="setting-help">The same event to the current Webhook URL, as LINE redelivers it: same webhookEventId, isRedelivery true, counted like any send.</div>
            </div>
            <div className="setting-value">
              <RedeliverButton channelId={channel.id} webhookEventId={send.webhookEventId} label="Send again" />
            </div>
          </div>
        )}
        <SendExport channelId={channel.id} attemptId={send.id} />
        {editable !== null && (
          <details className="edit-and-send">
            <summary>Edit and send</summary>
            <p className="small muted">
              Checked against LINE&apos;s webhook schema, signed with the channel secret and sent to the current Webhook URL as a test send: marked
              edited in the log and never counted in error statistics.
            </p>
            <EditAndSend channelId={channel.id} eventJson={editable} warning={staleReplyToken(editable)} />
          </details>
        )}
      </section>

      <section className="card" aria-label="Timing">
        <h2>Timing</h2>
        <SendTimeline dnsMs={send.dnsMs} connectMs={send.connectMs} tlsMs={send.tlsMs} firstByteMs={send.firstByteMs} durationMs={send.durationMs} />
        <p data-testid="send-meaning">{sendMeaning(send)}</p>
      </section>

      <section className="card" aria-label="Request sent">
        <h2>Request</h2>
        <p className="mono" data-testid="request-line">
          POST {send.url}
        </p>
        <Headers headers={send.requestHeaders} label="Request" />
        <h3>
          Body <span className="muted small" data-testid="request-size">{bytes(send.bodyBytes)}</span>
          {!send.bodyComplete && <span className="small send-cut"> (the log keeps only the first {NUMBER.format(send.body.length)} characters)</span>}
        </h3>
        <div className="send-columns">
          <div>
            <div className="we-label">As sent</div>
            <pre className="mono small pre-wrap" data-testid="request-body">{send.body}</pre>
          </div>
          <div>
            <div className="we-label">JSON</div>
            <pre className="mono small">{prettyJson(send.body)}</pre>
          </div>
        </div>
      </section>

      <section className="card" aria-label="Response">
        <h2>Response</h2>
        {send.statusCode === null ? (
          <p className="muted">No response: {send.success ? "" : (send.detail ?? "")}</p>
        ) : (
          <>
            <p className="mono" data-testid="response-line">
              {send.httpVersion ? `HTTP/${send.httpVersion} ` : ""}
              {send.statusCode}
              {send.remoteAddress && <span className="muted"> from {send.remoteAddress}</span>}
            </p>
            <Headers headers={send.responseHeaders} label="Response" />
            <h3>
              Body{" "}
              {send.responseBytes !== null && <span className="muted small" data-testid="response-size">{bytes(send.responseBytes)}</span>}
              {responseCut && (
                <span className="small send-cut" data-testid="response-cut">
                  {" "}
                  (cut: the log keeps the first {bytes(responseKept)})
                </span>
              )}
            </h3>
            <pre className="mono small pre-wrap">{send.responseExcerpt || "(empty response body)"}</pre>
          </>
        )}
      </section>

      {send.eventSends.length > 0 && (
        <section className="card" aria-label="Sends of this event">
          <h2>Sends of this event</h2>
          <table>
            <tbody>
              {send.eventSends.map((s, i) => (
                <tr key={s.id} data-testid="event-send">
                  <td className="mono">
                    {s.id === send.id ? <strong>{formatUtc9(s.startedAt)}</strong> : <Link href={`${logPath}/${s.id}`}>{formatUtc9(s.startedAt)}</Link>}
                  </td>
                  <td>{sendLabel(i, s.isRedelivery)}</td>
                  <td>
                    <AttemptOutcome attempt={s} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {send.eventSends.length > 1 && (
            <PayloadDiff
              sends={send.eventSends.map((s, i) => ({ id: s.id, label: `${sendLabel(i, s.isRedelivery)} · ${formatUtc9(s.startedAt)}`, body: s.body }))}
            />
          )}
        </section>
      )}
    </>
  );
}
