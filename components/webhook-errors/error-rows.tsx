import Link from "next/link";
import type { ErrorRowsPage } from "@/lib/statistics/queries";
import { REASON_COLORS } from "@/lib/statistics/reason-colors";
import { ERROR_ROW_COLUMNS, errorRowCells } from "@/lib/statistics/rows";
import { webhookErrorsSearch, type WebhookErrorsQuery } from "@/lib/statistics/search-params";
import { sendsBehindErrors } from "@/lib/console/delivery-log-search";
import { explainFailure, isReason, REASONS } from "@/lib/webhook/reasons";

const NUMBER = new Intl.NumberFormat("en-US");

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
  const isFirstPage = query.page === null;
  return (
    <section className="card" aria-label="Error rows">
      <div className="we-section-head">
        <h2>Errors</h2>
        <p className="muted small">
          {NUMBER.format(totalRows)} {totalRows === 1 ? "row" : "rows"}, newest first by their last detection (End). Each row groups the errors of one reason and
          detail within 60 seconds. Times are UTC+9.
        </p>
      </div>
      {page.rows.length === 0 ? (
        <p className="empty">No errors in this range{query.reason || query.detail ? " with these filters" : ""}.</p>
      ) : (
        <table className="we-rows">
          <thead>
            <tr>
              {ERROR_ROW_COLUMNS.map((column) => (
                <th key={column} className={column === "Errors" ? "num" : undefined}>
                  {column}
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
                  <td title={known ? REASONS[known].explanation : undefined}>
                    <span className="we-reason">
                      <span className="we-swatch" style={{ background: known ? REASON_COLORS[known] : "var(--chart-unknown)" }} aria-hidden />
                      <span className="mono">{reason}</span>
                    </span>
                  </td>
                  <td>
                    <span className="we-detail" data-testid="error-detail">{detail}</span>
                    {known && <div className="we-explain">{explainFailure({ reason: known, detail: row.detail })}</div>}
                  </td>
                  <td className="mono num" data-testid="error-count">
                    <Link href={`${logPath}${sendsBehindErrors(row, row.firstAt, row.lastAt)}`} title="The sends behind this row, in the Delivery log">
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
        <nav className="we-pager" aria-label="Pages of errors">
          {!isFirstPage && <Link href={`${basePath}${webhookErrorsSearch(query)}`}>Newest</Link>}
          {page.newer && (
            <Link href={`${basePath}${webhookErrorsSearch(query, { page: { direction: "newer", cursor: page.newer } })}`}>← Newer</Link>
          )}
          {page.older && (
            <Link href={`${basePath}${webhookErrorsSearch(query, { page: { direction: "older", cursor: page.older } })}`}>Older →</Link>
          )}
        </nav>
      )}
    </section>
  );
}
