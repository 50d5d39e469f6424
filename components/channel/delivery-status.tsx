import { formatUtc9 } from "@/lib/time";
import type { ChannelDeliveryStatus } from "@/lib/operations/delivery-state";

function waiting(backlog: number): string {
  if (backlog === 0) return "nothing waiting";
  return backlog === 1 ? "1 event waiting" : `${backlog.toLocaleString("en-US")} events waiting`;
}

/** The light on every channel page: whether the console sends events, and this channel's backlog. */
export function DeliveryStatus({ status }: { status: ChannelDeliveryStatus }) {
  const { isRunning, stoppedSince, backlog } = status;
  const state = isRunning
    ? "Delivery running"
    : stoppedSince
      ? `Delivery stopped since ${formatUtc9(stoppedSince)} (UTC+9)`
      : "Delivery stopped";
  return (
    <p className={isRunning ? "delivery-light running" : "delivery-light stopped"} data-testid="delivery-status">
      <span className="delivery-dot" aria-hidden="true" />
      {state} · {waiting(backlog)}
    </p>
  );
}
