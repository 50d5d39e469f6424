import Link from "next/link";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import type { EndpointHealth } from "@/lib/console/endpoint-health";
import { deliveryLogSearch } from "@/lib/console/delivery-log-search";
import { formatMs } from "@/lib/console/labels";
import { formatUtc9 } from "@/lib/time";

const DEADLINE_MS = 2000;

/**
 * How the bot server has been answering over the view's range: success rate, latency against
 * LINE's 2-second deadline, the last success, the outages (first failure to recovery) and the
 * redeliveries still to come. Each outage links to its sends in the Delivery log.
 */
export function EndpointHealthPanel({ health, logPath, now }: { health: EndpointHealth; logPath: string; now: Date }) {
  const t = useTranslations("health");
  const format = useFormatter();
  const locale = useLocale();
  const at = (date: Date) => formatUtc9(date, locale);
  const since = (from: Date, to: Date) => {
    const minutes = Math.round((to.getTime() - from.getTime()) / 60_000);
    if (minutes < 1) return t("underMinute");
    if (minutes < 120) return t("minutes", { n: minutes });
    return t("hours", { n: Math.round(minutes / 60) });
  };
  const rate = health.successRate === null ? "–" : `${(health.successRate * 100).toFixed(health.successRate === 1 ? 0 : 1)}%`;
  const latency = health.latency;
  const bar = (ms: number) => `${Math.min(100, (ms / (DEADLINE_MS * 1.25)) * 100)}%`;
  const ongoing = health.outages.at(-1)?.recoveredAt === null ? health.outages.at(-1) : undefined;
  return (
    <section className="card" aria-label={t("aria")}>
      <h2>{t("title")}</h2>
      <p className="muted small">{health.capped ? t("introCapped") : t("intro")}</p>
      <div className="health-grid">
        <div>
          <div className="we-label">{t("successRate")}</div>
          <div className="health-figure" data-testid="health-rate">
            {rate}
          </div>
          <div className="small muted">
            {t("ofSends", { successes: health.successes, sends: health.sends })}
          </div>
        </div>
        <div>
          <div className="we-label">{t("lastSuccess")}</div>
          <div className="health-figure small mono" data-testid="health-last-success">
            {health.lastSuccess ? at(health.lastSuccess) : t("never")}
          </div>
          <div className="small muted" data-testid="health-state">
            {ongoing ? t("failingSince", { at: at(ongoing.from), since: since(ongoing.from, now) }) : health.sends > 0 ? t("answering") : t("noSends")}
          </div>
        </div>
        <div>
          <div className="we-label">{t("pending")}</div>
          <div className="health-figure" data-testid="health-pending">
            {format.number(health.pendingCount)}
          </div>
          {health.pending[0]?.nextAttemptAt && <div className="small muted">{t("nextTry", { at: at(health.pending[0].nextAttemptAt) })}</div>}
        </div>
      </div>
      {latency && (
        <div className="health-latency" role="img" aria-label={t("latencyAria")}>
          {(["p50", "p95", "p99"] as const).map((p) => (
            <div key={p} className="send-phase" data-testid="health-latency">
              <span className="send-phase-name">{p}</span>
              <span className="send-phase-track">
                <span className={`send-phase-bar${latency[p] >= DEADLINE_MS ? " late" : ""}`} style={{ left: 0, width: `max(2px, ${bar(latency[p])})` }} />
                <span className="send-deadline" style={{ left: bar(DEADLINE_MS) }} aria-hidden />
              </span>
              <span className="send-phase-ms mono">{formatMs(latency[p])}</span>
            </div>
          ))}
          <p className="small muted">
            {t("deadlineNote", { n: health.overDeadline })}
          </p>
        </div>
      )}
      <h3>{t("outages")}</h3>
      {health.outages.length === 0 ? (
        <p className="muted" data-testid="health-no-outage">
          {t("noOutage")}
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t("firstFailure")}</th>
              <th>{t("recovered")}</th>
              <th className="num">{t("failedSends")}</th>
              <th>{t("reasons")}</th>
            </tr>
          </thead>
          <tbody>
            {[...health.outages].reverse().map((o) => (
              <tr key={o.from.getTime()} data-testid="health-outage">
                <td className="mono">{at(o.from)}</td>
                <td className="mono">{o.recoveredAt ? t("recoveredAfter", { at: at(o.recoveredAt), since: since(o.from, o.recoveredAt) }) : t("notYet")}</td>
                <td className="mono num">
                  <Link
                    href={`${logPath}${deliveryLogSearch({ kind: "event", outcome: "failure", from: o.from.getTime(), to: (o.recoveredAt ?? now).getTime() + 1000 })}`}
                  >
                    {format.number(o.failures)}
                  </Link>
                </td>
                <td className="small">
                  {o.byFailure.map((f) => (
                    <div key={`${f.reason}/${f.detail}`} className="mono">
                      {f.reason} · {f.detail}: {format.number(f.count)}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {health.pending.length > 0 && (
        <>
          <h3>{t("nextRedeliveries")}</h3>
          <ul className="small">
            {health.pending.map((p) => (
              <li key={p.webhookEventId} className="mono">
                <Link href={`${logPath}?webhookEventId=${p.webhookEventId}`}>{p.webhookEventId}</Link> · {t("tryAt", { n: p.attempts + 1 })}
                {p.nextAttemptAt ? ` ${t("at", { at: at(p.nextAttemptAt) })}` : ""}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
