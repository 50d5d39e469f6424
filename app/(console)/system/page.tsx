import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DataTable } from "@/components/ui/data-table";
import { StatusLabel } from "@/components/ui/status-label";
import { requireUser } from "@/lib/auth/session";
import { NotFoundError } from "@/lib/errors";
import { getSystemReport, type SystemReport } from "@/lib/operations/system";
import { formatUtc9 } from "@/lib/time";
import { getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("pages"))("system") };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
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
  return (
    <>
      <div className="page-head">
        <div>
          <h1>System</h1>
          <p className="subtitle">How this console is doing: its database, what it keeps, and whether it delivers.</p>
        </div>
      </div>
      <section className="card" aria-label="Delivery">
        <h2>Delivery</h2>
        <Setting label="Dispatchers alive" testId="dispatchers-alive">
          {delivery.dispatchersAlive === 0 ? (
            <StatusLabel tone="danger" isStrong>
              None: events are not being sent
            </StatusLabel>
          ) : (
            <StatusLabel tone="success">{delivery.dispatchersAlive}</StatusLabel>
          )}
        </Setting>
        <Setting label="Backlog" testId="backlog">
          {delivery.backlog.toLocaleString("en-US")} events waiting
          {delivery.oldestPendingAt && ` · the oldest accepted ${formatAge(at - delivery.oldestPendingAt.getTime())} ago`}
        </Setting>
        <Setting label="Redelivery queue">{delivery.redeliveries.toLocaleString("en-US")} events</Setting>
        <Setting label="Email queue" testId="email-queue">
          {emails.queued} to send · {emails.failed} failed
        </Setting>
        <DataTable
          headers={["Dispatcher", "Last heartbeat (UTC+9)", "State"]}
          rows={report.dispatchers}
          rowKey={(d) => d.id}
          rowTestId="dispatcher"
          empty="No dispatcher has run lately."
        >
          {(d) => (
            <>
              <td className="mono">{d.id}</td>
              <td>{formatUtc9(d.seenAt)}</td>
              <td>{d.isAlive ? <StatusLabel tone="success">Alive</StatusLabel> : <StatusLabel tone="muted">Not seen lately</StatusLabel>}</td>
            </>
          )}
        </DataTable>
      </section>
      <section className="card" aria-label="Retention">
        <h2>Retention</h2>
        <Setting label="Finished events and their sends" testId="retention-events">
          {retention.eventsDays} days
        </Setting>
        <Setting label="Error statistics" testId="retention-error-statistics">
          {retention.errorStatisticsDays} days
        </Setting>
        <Setting label="Emails" testId="retention-emails">
          {retention.emailsDays} days
        </Setting>
        <Setting label="Last pruning">
          {lastPrune === undefined
            ? "Not run by this process yet"
            : "error" in lastPrune
              ? `Failed at ${formatUtc9(new Date(lastPrune.startedAt))}: ${lastPrune.error}`
              : `${formatUtc9(new Date(lastPrune.finishedAt))}: ${Object.values(lastPrune.counts).reduce((a, b) => a + b, 0)} rows deleted`}
        </Setting>
        <p className="muted small">Events still waiting to be sent or redelivered are kept whatever their age.</p>
      </section>
      <section className="card" aria-label="Database">
        <h2>Database</h2>
        <Setting label="Kind" testId="database-kind">
          {database.kind === "postgres" ? "PostgreSQL" : "SQLite"}
        </Setting>
        <Setting label="Size">{database.sizeBytes === null ? "Unknown" : formatBytes(database.sizeBytes)}</Setting>
        <DataTable headers={["Table", "Rows"]} rows={report.tables} rowKey={(t) => t.table} rowTestId="table-rows" empty="No tables.">
          {(t) => (
            <>
              <td className="mono">{t.table}</td>
              <td>
                {t.isEstimate && "about "}
                {t.rows.toLocaleString("en-US")}
              </td>
            </>
          )}
        </DataTable>
      </section>
    </>
  );
}
