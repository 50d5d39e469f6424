import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import type { ErrorRowsPage } from "@/lib/statistics/queries";
import { REASON_COLORS } from "@/lib/statistics/reason-colors";
import { ERROR_ROW_COLUMNS, errorRowCells } from "@/lib/statistics/rows";
import { webhookErrorsSearch, type WebhookErrorsQuery } from "@/lib/statistics/search-params";
import { sendsBehindErrors } from "@/lib/console/delivery-log-search";
import { explainFailure, isReason } from "@/lib/webhook/reasons";

/**
 * LINE's error rows (60-second groups), newest first, with what each reason and detail means; each
 * row's count links to the sends behind it in the Delivery log (`logPath`).
 */
export function ErrorRows({
  page,
  query,
  basePath,
  logPath,
  totalRows,
}: {
  page: ErrorRowsPage;
  query: WebhookErrorsQuery;
  basePath: string;
  logPath: string;
  totalRows: number;
}) {
  const t = useTranslations("we");
  const explain = useTranslations("reasons.reasons");
  const locale = useLocale();
  const isFirstPage = query.page === null;
  return (
    <section className="card" aria-label={t("rowsAria")}>
      <div className="we-section-head">
        <h2>{t("errors")}</h2>
        <p className="muted small">{t("rowsIntro", { n: totalRows })}</p>
      </div>
      {page.rows.length === 0 ? (
        <p className="empty">{query.reason || query.detail ? t("noRowsFiltered") : t("noRows")}</p>
      ) : (
        <table className="we-rows">
          <thead>
            <tr>
              {ERROR_ROW_COLUMNS.map((column) => (
                <th key={column} className={column === "Errors" ? "num" : undefined}>
                  {t(`columns.${column}`)}
                  {column === "Date" && <span className="we-th-zone"> (UTC+9)</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {page.rows.map((row) => {
              const [date, start, end, reason, detail, errors] = errorRowCells(row);
              const known = isReason(row.reason) ? row.reason : null;
              return (
                <tr key={`${row.windowStart}\u0000${row.reason}\u0000${row.detail}`} data-testid="error-row">
                  <td className="mono">{date}</td>
                  <td className="mono">{start}</td>
                  <td className="mono">{end}</td>
                  <td title={known ? explain(known) : undefined}>
                    <span className="we-reason">
                      <span className="we-swatch" style={{ background: known ? REASON_COLORS[known] : "var(--chart-unknown)" }} aria-hidden />
                      <span className="mono">{reason}</span>
                    </span>
                  </td>
                  <td>
                    <span className="we-detail" data-testid="error-detail">{detail}</span>
                    {known && <div className="we-explain">{explainFailure({ reason: known, detail: row.detail }, locale)}</div>}
                  </td>
                  <td className="mono num" data-testid="error-count">
                    <Link href={`${logPath}${sendsBehindErrors(row, row.firstAt, row.lastAt)}`} title={t("sendsBehind")}>
                      {errors}
                    </Link>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {(page.older || page.newer || !isFirstPage) && (
        <nav className="we-pager" aria-label={t("pagesAria")}>
          {!isFirstPage && <Link href={`${basePath}${webhookErrorsSearch(query)}`}>{t("newest")}</Link>}
          {page.newer && (
            <Link href={`${basePath}${webhookErrorsSearch(query, { page: { direction: "newer", cursor: page.newer } })}`}>{t("newer")}</Link>
          )}
          {page.older && (
            <Link href={`${basePath}${webhookErrorsSearch(query, { page: { direction: "older", cursor: page.older } })}`}>{t("older")}</Link>
          )}
        </nav>
      )}
    </section>
  );
}
