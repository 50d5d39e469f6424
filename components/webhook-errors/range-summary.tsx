import type { ErrorChart } from "@/lib/statistics/chart";
import { formatUtc9Minute } from "@/lib/statistics/utc9";

const NUMBER = new Intl.NumberFormat("en-US");
const UNIT_WORDS = { minute: "a bar per minute", hour: "a bar per hour", day: "a bar per day (UTC+9 days)" } as const;

/** The range in words, in UTC+9, with the count of errors it holds. */
export function RangeSummary({ chart, isLive }: { chart: ErrorChart; isLive: boolean }) {
  return (
    <div className="we-summary">
      <div>
        <span className="we-summary-total" data-testid="total-errors">
          {NUMBER.format(chart.totalErrors)}
        </span>{" "}
        {chart.totalErrors === 1 ? "error" : "errors"}
      </div>
      <div className="muted small">
        <span className="mono">{formatUtc9Minute(chart.from)}</span> to <span className="mono">{formatUtc9Minute(chart.to)}</span>{" "}
        (UTC+9) · {UNIT_WORDS[chart.unit]}
        {isLive && (
          <>
            {" "}
            · <span className="we-live">Live</span>
          </>
        )}
      </div>
    </div>
  );
}
