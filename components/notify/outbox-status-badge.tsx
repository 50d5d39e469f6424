import { OUTBOX_STATUS_LABELS, type OutboxStatus } from "@/lib/notify/outbox-status";

const COLORS: Record<OutboxStatus, string> = {
  in_outbox: "var(--muted)",
  queued: "var(--muted)",
  sent: "#05603a",
  retrying: "#b54708",
  failed: "var(--danger)",
};

/** An email's status in words, with its last SMTP error when it has one. */
export function OutboxStatusBadge({ status, lastError }: { status: OutboxStatus; lastError: string | null }) {
  return (
    <span data-testid="outbox-status">
      <span style={{ color: COLORS[status], fontWeight: 600 }}>{OUTBOX_STATUS_LABELS[status]}</span>
      {lastError && (status === "retrying" || status === "failed") && (
        <span className="small muted" style={{ display: "block" }}>
          {lastError}
        </span>
      )}
    </span>
  );
}
