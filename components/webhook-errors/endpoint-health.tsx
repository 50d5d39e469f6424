import Link from "next/link";
import type { EndpointHealth } from "@/lib/console/endpoint-health";
import { deliveryLogSearch } from "@/lib/console/delivery-log-search";
import { formatMs } from "@/lib/console/labels";
import { formatUtc9 } from "@/lib/time";

const NUMBER = new Intl.NumberFormat("en-US");
const DEADLINE_MS = 2000;

function since(from: Date, to: Date): string {
  const minutes = Math.round((to.getTime() - from.getTime()) / 60_000);
  if (minutes < 1) return "under a minute";
  if (minutes < 120) return `${minutes} min`;
  return `${Math.round(minutes / 60)} h`;
}

/**
 * How the bot server has been answering over the view's range: success rate, latency against
 * LINE's 2-second deadline, the last success, the outages (first failure to recovery) and the
 * redeliveries still to come. Each outage links to its sends in the Delivery log.
 */
export function EndpointHealthPanel({ health, logPath, now }: { health: EndpointHealth; logPath: string; now: Date }) {
  const rate = health.successRate === null ? "–" : `${(health.successRate * 100).toFixed(health.successRate === 1 ? 0 : 1)}%`;
  const latency = health.latency;
  const bar = (ms: number) => `${Math.min(100, (ms / (DEADLINE_MS * 1.25)) * 100)}%`;
  const ongoing = health.outages.at(-1)?.recoveredAt === null ? health.outages.at(-1) : undefined;
  return (
    <section className="card" aria-label="Endpoint health">
      <h2>Endpoint health</h2>
      <p className="muted small">
        Webhook sends in this range{health.capped ? " (the newest 100,000)" : ""}. Times are UTC+9.
      </p>
      <div className="health-grid">
        <div>
          <div className="we-label">Success rate</div>
          <div className="health-figure" data-testid="health-rate">
            {rate}
          </div>
          <div className="small muted">
            {NUMBER.format(health.successes)} of {NUMBER.format(health.sends)} sends
          </div>
        </div>
        <div>
          <div className="we-label">Last success</div>
          <div className="health-figure small mono" data-testid="health-last-success">
            {health.lastSuccess ? formatUtc9(health.lastSuccess) : "never"}
          </div>
          <div className="small muted" data-testid="health-state">
            {ongoing ? `Failing since ${formatUtc9(ongoing.from)} (${since(ongoing.from, now)})` : health.sends > 0 ? "Answering" : "No sends"}
          </div>
        </div>
        <div>
          <div className="we-label">Pending redeliveries</div>
          <div className="health-figure" data-testid="health-pending">
            {NUMBER.format(health.pendingCount)}
          </div>
          {health.pending[0]?.nextAttemptAt && <div className="small muted">next try {formatUtc9(health.pending[0].nextAttemptAt)}</div>}
        </div>
      </div>
      {latency && (
        <div className="health-latency" role="img" aria-label="Latency against the 2-second deadline">
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
            The red line is LINE&apos;s 2-second deadline; {NUMBER.format(health.overDeadline)} {health.overDeadline === 1 ? "send" : "sends"} did not make it.
          </p>
        </div>
      )}
      <h3>Outages</h3>
      {health.outages.length === 0 ? (
        <p className="muted" data-testid="health-no-outage">
          No failed sends in this range.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>First failure</th>
              <th>Recovered</th>
              <th className="num">Failed sends</th>
              <th>Reasons</th>
            </tr>
          </thead>
          <tbody>
            {[...health.outages].reverse().map((o) => (
              <tr key={o.from.getTime()} data-testid="health-outage">
                <td className="mono">{formatUtc9(o.from)}</td>
                <td className="mono">{o.recoveredAt ? `${formatUtc9(o.recoveredAt)} (after ${since(o.from, o.recoveredAt)})` : "not yet"}</td>
                <td className="mono num">
                  <Link
                    href={`${logPath}${deliveryLogSearch({ kind: "event", outcome: "failure", from: o.from.getTime(), to: (o.recoveredAt ?? now).getTime() + 1000 })}`}
                  >
                    {NUMBER.format(o.failures)}
                  </Link>
                </td>
                <td className="small">
                  {o.byFailure.map((f) => (
                    <div key={`${f.reason}/${f.detail}`} className="mono">
                      {f.reason} · {f.detail}: {NUMBER.format(f.count)}
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
          <h3>Next redeliveries</h3>
          <ul className="small">
            {health.pending.map((p) => (
              <li key={p.webhookEventId} className="mono">
                <Link href={`${logPath}?webhookEventId=${p.webhookEventId}`}>{p.webhookEventId}</Link> · try {p.attempts + 1}
                {p.nextAttemptAt ? ` at ${formatUtc9(p.nextAttemptAt)}` : ""}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
