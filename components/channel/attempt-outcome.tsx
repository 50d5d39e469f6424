/** How one send went, in LINE's words: `Success · 200`, or the reason and detail. */
export function AttemptOutcome({
  attempt,
}: {
  attempt: { success: boolean; statusCode: number | null; reason: string | null; detail: string | null };
}) {
  if (attempt.success) return <span style={{ color: "#05603a" }}>Success · {attempt.statusCode}</span>;
  return (
    <span style={{ color: "var(--danger)" }}>
      {attempt.reason} · {attempt.detail}
    </span>
  );
}
