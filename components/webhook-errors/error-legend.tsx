import type { ErrorChart } from "@/lib/statistics/chart";
import { REASON_COLORS, REASON_ORDER } from "@/lib/statistics/reason-colors";
import { REASONS, type Reason } from "@/lib/webhook/reasons";

const NUMBER = new Intl.NumberFormat("en-US");

/** The chart's legend: each reason in its color with its total over the range, and what it means. */
export function ErrorLegend({ chart, reason }: { chart: ErrorChart; reason: Reason | null }) {
  const reasons = reason ? [reason] : REASON_ORDER;
  return (
    <ul className="we-legend" aria-label="Errors by reason">
      {reasons.map((r) => (
        <li key={r} className="we-legend-item" title={REASONS[r].explanation} data-testid="legend-reason">
          <span className="we-swatch" style={{ background: REASON_COLORS[r] }} aria-hidden />
          <span className="mono we-legend-name">{r}</span>
          <span className="we-legend-total">{NUMBER.format(chart.totals[r])}</span>
          <span className="we-legend-help">{REASONS[r].explanation}</span>
        </li>
      ))}
    </ul>
  );
}

/** The key to the chart's shading, shown when part of the range was not aggregated. */
export function NotAggregatedNote({ chart }: { chart: ErrorChart }) {
  if (chart.notAggregated.length === 0) return null;
  return (
    <p className="we-caption" data-testid="not-aggregated-note">
      <span className="we-swatch we-swatch-off" aria-hidden /> Shaded: <strong>not aggregated</strong>. Error statistics
      aggregation was off then, so nothing was counted; these times are not zero errors.
    </p>
  );
}

/** The key to the shading of the time before the retention window, whose statistics were pruned. */
export function NotKeptNote({ chart, retentionDays }: { chart: ErrorChart; retentionDays: number }) {
  if (chart.notKept.length === 0) return null;
  return (
    <p className="we-caption" data-testid="not-kept-note">
      <span className="we-swatch we-swatch-off" aria-hidden /> Shaded: <strong>not kept</strong>. Error statistics are kept
      for {retentionDays} days; older ones were deleted, so these times are not zero errors.
    </p>
  );
}
