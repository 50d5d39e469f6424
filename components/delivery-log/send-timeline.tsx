import { useTranslations } from "next-intl";
import { RESPONSE_TIMEOUT_MS } from "@/lib/webhook/sender";
import { formatMs } from "@/lib/console/labels";

type Phase = { name: string; start: number; end: number };

/**
 * The phases of a send as bars on one time axis, with LINE's 2-second deadline drawn across:
 * DNS, TCP connect and TLS in turn, then the wait for the first byte of the response, and the
 * whole send. A phase that did not happen (a reused connection, plain HTTP) has no bar.
 */
export function SendTimeline({
  dnsMs,
  connectMs,
  tlsMs,
  firstByteMs,
  durationMs,
}: {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  firstByteMs: number | null;
  durationMs: number;
}) {
  const t = useTranslations("tools");
  const phases: Phase[] = [];
  let at = 0;
  for (const [name, ms] of [
    [t("phases.dns"), dnsMs],
    [t("phases.connect"), connectMs],
    [t("phases.tls"), tlsMs],
  ] as const) {
    if (ms === null) continue;
    phases.push({ name, start: at, end: at + ms });
    at += ms;
  }
  if (firstByteMs !== null) phases.push({ name: t("phases.firstByte"), start: at, end: Math.max(at, firstByteMs) });
  phases.push({ name: t("phases.total"), start: 0, end: durationMs });
  const scale = Math.max(RESPONSE_TIMEOUT_MS, durationMs) * 1.05;
  const pct = (ms: number) => `${(ms / scale) * 100}%`;
  return (
    <div className="send-timeline" role="img" aria-label={t("timelineAria", { seconds: RESPONSE_TIMEOUT_MS / 1000 })}>
      {phases.map((phase) => (
        <div key={phase.name} className="send-phase" data-testid="send-phase">
          <span className="send-phase-name">{phase.name}</span>
          <span className="send-phase-track">
            <span
              className={`send-phase-bar${phase.end > RESPONSE_TIMEOUT_MS ? " late" : ""}`}
              style={{ left: pct(phase.start), width: `max(2px, ${pct(phase.end - phase.start)})` }}
            />
            <span className="send-deadline" style={{ left: pct(RESPONSE_TIMEOUT_MS) }} aria-hidden />
          </span>
          <span className="send-phase-ms mono">{formatMs(phase.end - phase.start)}</span>
        </div>
      ))}
      <div className="send-phase small muted">
        <span className="send-phase-name" />
        <span className="send-phase-track send-axis">
          <span style={{ left: 0 }}>0</span>
          <span style={{ left: pct(RESPONSE_TIMEOUT_MS) }}>{t("deadline")}</span>
        </span>
        <span className="send-phase-ms" />
      </div>
    </div>
  );
}
