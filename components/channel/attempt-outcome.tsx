import { useTranslations } from "next-intl";
import { StatusLabel } from "@/components/ui/status-label";

/**
 * How one send went, in LINE's words: `Success · 200`, or the reason and detail. A send the URL
 * policy refused has no reason of LINE's; its detail says what was refused and why.
 */
export function AttemptOutcome({
  attempt,
}: {
  attempt: { success: boolean; statusCode: number | null; reason: string | null; detail: string | null };
}) {
  const t = useTranslations("log.outcomes");
  if (attempt.success) return <StatusLabel tone="success">{t("success")} · {attempt.statusCode}</StatusLabel>;
  if (attempt.reason === null) return <StatusLabel tone="warning">{attempt.detail}</StatusLabel>;
  return (
    <StatusLabel tone="danger">
      {attempt.reason} · {attempt.detail}
    </StatusLabel>
  );
}
