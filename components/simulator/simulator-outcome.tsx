import { StatusLabel } from "@/components/ui/status-label";
import { formatMs } from "@/lib/console/labels";
import { EventStatus, isAwaitingFirstOutcome } from "@/lib/delivery/lifecycle";
import type { RecentEvent } from "@/lib/console/simulator";

/**
 * How a simulated event's delivery went, as the Simulator lists it. The reason and detail of a
 * failure are for those who may read the delivery settings (`showDetail`); Testers see "Failed".
 */
export function SimulatorOutcome({ event, showDetail }: { event: Pick<RecentEvent, "status" | "last">; showDetail: boolean }) {
  if (event.status === EventStatus.skipped) return <StatusLabel tone="muted">Not sent: Use webhook is off</StatusLabel>;
  if (isAwaitingFirstOutcome(event.status) || !event.last) return <StatusLabel tone="muted">Sending…</StatusLabel>;
  const last = event.last;
  // A failure with no reason is a send the URL policy refused; its detail says why.
  const said = last.reason ? `${last.reason} · ${last.detail}` : last.success ? null : last.detail;
  const failure = showDetail && said ? ` · ${said}` : "";
  if (event.status === EventStatus.retrying) {
    return <StatusLabel tone="danger">Failed{failure} · redelivery scheduled</StatusLabel>;
  }
  if (event.last.success) {
    return (
      <StatusLabel tone="success">
        Delivered · {event.last.statusCode} · {formatMs(event.last.durationMs)}
      </StatusLabel>
    );
  }
  return <StatusLabel tone="danger">Failed{failure}</StatusLabel>;
}
