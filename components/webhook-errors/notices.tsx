import Link from "next/link";
import type { ErrorChart } from "@/lib/statistics/chart";

/** The tab while aggregation is off: nothing is counted, and where to turn it on. */
export function AggregationOffNotice({ channelId, canManage }: { channelId: string; canManage: boolean }) {
  return (
    <section className="card">
      <h2>Webhook errors</h2>
      <p>
        Error statistics aggregation is off, so no errors are being counted and this tab has nothing to show.{" "}
        {canManage ? "Turn it on" : "An Admin can turn it on"} in <Link href={`/channels/${channelId}/messaging-api`}>Messaging API</Link>.
        Errors from before it is turned on are never shown.
      </p>
    </section>
  );
}

/** A link whose range or filters cannot be read: what is wrong, and a way back. */
export function InvalidViewNotice({ problems, basePath }: { problems: string[]; basePath: string }) {
  return (
    <section className="card" aria-label="Webhook errors">
      <h2>Webhook errors</h2>
      <div className="error" role="alert">
        <strong>This link&apos;s range or filters cannot be shown.</strong>
        <ul className="we-problems">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      </div>
      <p>
        <Link href={basePath}>Show the last 24 hours</Link>
      </p>
    </section>
  );
}

/** In place of the chart when the range holds no errors: why, in words. */
export function ChartEmptyState({ chart, isFiltered }: { chart: ErrorChart; isFiltered: boolean }) {
  const [gap] = chart.notAggregated;
  const wasOffThroughout = chart.notAggregated.length === 1 && gap.start === chart.from && gap.end === chart.to;
  return (
    <div className="we-empty" data-testid="chart-empty">
      <strong>No webhook errors in this range{isFiltered ? " with these filters" : ""}.</strong>
      <span className="muted">
        {wasOffThroughout
          ? "Error statistics aggregation was off for this whole range, so nothing was counted."
          : "Every webhook sent while aggregation was on reached the bot server, or none was sent."}
      </span>
    </div>
  );
}
