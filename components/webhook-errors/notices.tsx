import Link from "next/link";
import { useTranslations } from "next-intl";
import type { ErrorChart } from "@/lib/statistics/chart";

/** The tab while aggregation is off: nothing is counted, and where to turn it on. */
export function AggregationOffNotice({ channelId, canManage }: { channelId: string; canManage: boolean }) {
  const t = useTranslations("we");
  const pages = useTranslations("pages");
  const link = (chunks: React.ReactNode) => <Link href={`/channels/${channelId}/messaging-api`}>{chunks}</Link>;
  return (
    <section className="card">
      <h2>{pages("webhookErrors")}</h2>
      <p>
        {t("offIntro")} {t.rich(canManage ? "offTurnOn" : "offAdminTurnOn", { link })} {t("offBefore")}
      </p>
    </section>
  );
}

/** A link whose range or filters cannot be read: what is wrong, and a way back. */
export function InvalidViewNotice({ problems, basePath }: { problems: string[]; basePath: string }) {
  const t = useTranslations("we");
  const pages = useTranslations("pages");
  return (
    <section className="card" aria-label={pages("webhookErrors")}>
      <h2>{pages("webhookErrors")}</h2>
      <div className="error" role="alert">
        <strong>{t("invalid")}</strong>
        <ul className="we-problems">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      </div>
      <p>
        <Link href={basePath}>{t("showLast24")}</Link>
      </p>
    </section>
  );
}

/** In place of the chart when the range holds no errors: why, in words. */
export function ChartEmptyState({ chart, isFiltered }: { chart: ErrorChart; isFiltered: boolean }) {
  const t = useTranslations("we");
  const [gap] = chart.notAggregated;
  const wasOffThroughout = chart.notAggregated.length === 1 && gap.start === chart.from && gap.end === chart.to;
  return (
    <div className="we-empty" data-testid="chart-empty">
      <strong>{isFiltered ? t("emptyChartFiltered") : t("emptyChart")}</strong>
      <span className="muted">{wasOffThroughout ? t("offThroughout") : t("allReached")}</span>
    </div>
  );
}
