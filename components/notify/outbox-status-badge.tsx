import { useTranslations } from "next-intl";
import { StatusLabel, type StatusTone } from "@/components/ui/status-label";
import type { OutboxStatus } from "@/lib/notify/outbox-status";

const TONES: Record<OutboxStatus, StatusTone> = {
  in_outbox: "muted",
  queued: "muted",
  sent: "success",
  retrying: "warning",
  failed: "danger",
};

/** An email's status in words, with its last SMTP error when it has one. */
export function OutboxStatusBadge({ status, lastError }: { status: OutboxStatus; lastError: string | null }) {
  const t = useTranslations("outbox.statuses");
  return (
    <span data-testid="outbox-status">
      <StatusLabel tone={TONES[status]} isStrong>
        {t(status)}
      </StatusLabel>
      {lastError && (status === "retrying" || status === "failed") && (
        <span className="small muted status-note">{lastError}</span>
      )}
    </span>
  );
}
