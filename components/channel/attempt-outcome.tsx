import { StatusLabel } from "@/components/ui/status-label";

/** How one send went, in LINE's words: `Success · 200`, or the reason and detail. */
export function AttemptOutcome({
  attempt,
}: {
  attempt: { success: boolean; statusCode: number | null; reason: string | null; detail: string | null };
}) {
  if (attempt.success) return <StatusLabel tone="success">Success · {attempt.statusCode}</StatusLabel>;
  return (
    <StatusLabel tone="danger">
      {attempt.reason} · {attempt.detail}
    </StatusLabel>
  );
}
