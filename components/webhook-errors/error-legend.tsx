import { useFormatter, useTranslations } from "next-intl";
import type { ErrorChart } from "@/lib/statistics/chart";
import { REASON_COLORS, REASON_ORDER } from "@/lib/statistics/reason-colors";
import type { Reason } from "@/lib/webhook/reasons";

/** The chart's legend: each reason in its color with its total over the range, and what it means. */
export function ErrorLegend({ chart, reason }: { chart: ErrorChart; reason: Reason | null }) {
  const t = useTranslations("we");
  const explain = useTranslations("reasons.reasons");
  const format = useFormatter();
  const reasons = reason ? [reason] : REASON_ORDER;
  return (
    <ul className="we-legend" aria-label={t("legendAria")}>
      {reasons.map((r) => (
        <li key={r} className="we-legend-item" title={explain(r)} data-testid="legend-reason">
          <span className="we-swatch" style={{ background: REASON_COLORS[r] }} aria-hidden />
          <span className="mono we-legend-name">{r}</span>
          <span className="we-legend-total">{format.number(chart.totals[r])}</span>
          <span className="we-legend-help">{explain(r)}</span>
        </li>
      ))}
    </ul>
  );
}

/** The key to the chart's shading, shown when part of the range was not aggregated. */
export function NotAggregatedNote({ chart }: { chart: ErrorChart }) {
  const t = useTranslations("we");
  if (chart.notAggregated.length === 0) return null;
  return (
    <p className="we-caption" data-testid="not-aggregated-note">
      <span className="we-swatch we-swatch-off" aria-hidden /> {t.rich("notAggregatedNote", { strong: (chunks) => <strong>{chunks}</strong> })}
    </p>
  );
}

/** The key to the shading of the time before the retention window, whose statistics were pruned. */
export function NotKeptNote({ chart, retentionDays }: { chart: ErrorChart; retentionDays: number }) {
  const t = useTranslations("we");
  if (chart.notKept.length === 0) return null;
  return (
    <p className="we-caption" data-testid="not-kept-note">
      <span className="we-swatch we-swatch-off" aria-hidden />{" "}
      {t.rich("notKeptNote", { days: retentionDays, strong: (chunks) => <strong>{chunks}</strong> })}
    </p>
  );
}
