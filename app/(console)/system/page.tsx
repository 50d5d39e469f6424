import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DataTable } from "@/components/ui/data-table";
import { StatusLabel } from "@/components/ui/status-label";
import { requireUser } from "@/lib/auth/session";
import { NotFoundError } from "@/lib/errors";
import { getSystemReport, type SystemReport } from "@/lib/operations/system";
import { formatUtc9 } from "@/lib/time";
import { getLocale, getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("system") };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** An age as a number and its unit: seconds up to two minutes, minutes up to two hours, then hours. */
function ageParts(ms: number): { n: string; unit: "s" | "min" | "h" } {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return { n: String(seconds), unit: "s" };
  if (seconds < 7200) return { n: String(Math.round(seconds / 60)), unit: "min" };
  return { n: (seconds / 3600).toFixed(1), unit: "h" };
}

async function loadReport(): Promise<SystemReport> {
  const user = await requireUser();
  try {
    return await getSystemReport(user);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

function Setting({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="setting">
      <div className="setting-label">{label}</div>
      <div className="setting-value" data-testid={testId}>
        {children}
      </div>
    </div>
  );
}

export default async function SystemPage() {
  const report = await loadReport();
  const { at, database, delivery, emails, retention, lastPrune } = report;
  const [t, pages, locale] = await Promise.all([getTranslations("system"), getTranslations("pages"), getLocale()]);
  const age = (ms: number) => {
    const { n, unit } = ageParts(ms);
    return t(`age.${unit}`, { n });
  };
  const number = new Intl.NumberFormat(locale);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{pages("system")}</h1>
          <p className="subtitle">{t("subtitle")}</p>
        </div>
      </div>
      <section className="card" aria-label={t("delivery")}>
        <h2>{t("delivery")}</h2>
        <Setting label={t("dispatchersAlive")} testId="dispatchers-alive">
          {delivery.dispatchersAlive === 0 ? (
            <StatusLabel tone="danger" isStrong>
              {t("noDispatcher")}
            </StatusLabel>
          ) : (
            <StatusLabel tone="success">{delivery.dispatchersAlive}</StatusLabel>
          )}
        </Setting>
        <Setting label={t("backlog")} testId="backlog">
          {t("eventsWaiting", { n: delivery.backlog })}
          {delivery.oldestPendingAt && ` · ${t("oldest", { age: age(at - delivery.oldestPendingAt.getTime()) })}`}
        </Setting>
        <Setting label={t("redeliveryQueue")}>{t("events", { n: delivery.redeliveries })}</Setting>
        <Setting label={t("emailQueue")} testId="email-queue">
          {t("emailQueueValue", { queued: emails.queued, failed: emails.failed })}
        </Setting>
        <DataTable
          headers={[t("dispatcher"), t("heartbeat"), t("state")]}
          rows={report.dispatchers}
          rowKey={(d) => d.id}
          rowTestId="dispatcher"
          empty={t("noDispatchers")}
        >
          {(d) => (
            <>
              <td className="mono">{d.id}</td>
              <td>{formatUtc9(d.seenAt, locale)}</td>
              <td>{d.isAlive ? <StatusLabel tone="success">{t("alive")}</StatusLabel> : <StatusLabel tone="muted">{t("notSeen")}</StatusLabel>}</td>
            </>
          )}
        </DataTable>
      </section>
      <section className="card" aria-label={t("retention")}>
        <h2>{t("retention")}</h2>
        <Setting label={t("retentionEvents")} testId="retention-events">
          {t("days", { n: retention.eventsDays })}
        </Setting>
        <Setting label={t("retentionErrors")} testId="retention-error-statistics">
          {t("days", { n: retention.errorStatisticsDays })}
        </Setting>
        <Setting label={t("retentionEmails")} testId="retention-emails">
          {t("days", { n: retention.emailsDays })}
        </Setting>
        <Setting label={t("lastPrune")}>
          {lastPrune === undefined
            ? t("notRun")
            : "error" in lastPrune
              ? t("pruneFailed", { at: formatUtc9(new Date(lastPrune.startedAt), locale), error: lastPrune.error })
              : t("pruned", { at: formatUtc9(new Date(lastPrune.finishedAt), locale), n: Object.values(lastPrune.counts).reduce((a, b) => a + b, 0) })}
        </Setting>
        <p className="muted small">{t("keptWaiting")}</p>
      </section>
      <section className="card" aria-label={t("database")}>
        <h2>{t("database")}</h2>
        <Setting label={t("kind")} testId="database-kind">
          {database.kind === "postgres" ? "PostgreSQL" : "SQLite"}
        </Setting>
        <Setting label={t("size")}>{database.sizeBytes === null ? t("unknown") : formatBytes(database.sizeBytes)}</Setting>
        <DataTable headers={[t("table"), t("rows")]} rows={report.tables} rowKey={(row) => row.table} rowTestId="table-rows" empty={t("noTables")}>
          {(row) => (
            <>
              <td className="mono">{row.table}</td>
              <td>
                {row.isEstimate && `${t("about")} `}
                {number.format(row.rows)}
              </td>
            </>
          )}
        </DataTable>
      </section>
    </>
  );
}
