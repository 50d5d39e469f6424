import { useFormatter, useTranslations } from "next-intl";
import type { ErrorChart } from "@/lib/statistics/chart";
import { formatUtc9Minute } from "@/lib/statistics/utc9";

/** The range in words, in UTC+9, with the count of errors it holds. */
export function RangeSummary({ chart, isLive }: { chart: ErrorChart; isLive: boolean }) {
  const t = useTranslations("we");
  const format = useFormatter();
  return (
    <div className="we-summary">
      <div>
        <span className="we-summary-total" data-testid="total-errors">
          {format.number(chart.totalErrors)}
        </span>{" "}
        {t("total", { n: chart.totalErrors })}
      </div>
      <div className="muted small">
        <span className="mono">{formatUtc9Minute(chart.from)}</span> {t("rangeTo")} <span className="mono">{formatUtc9Minute(chart.to)}</span>{" "}
        (UTC+9) · {t(`units.${chart.unit}`)}
        {isLive && (
          <>
            {" "}
            · <span className="we-live">{t("live")}</span>
          </>
        )}
      </div>
    </div>
  );
}
