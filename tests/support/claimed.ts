import type { ClaimedEvent } from "@/lib/delivery/store";

/** A claimed event of the given seq with placeholder contents, as a store's claim returns it. */
export function claimedEvent(seq: number, fresh?: boolean): ClaimedEvent {
  const event: ClaimedEvent = {
    seq,
    webhookEventId: `e${seq}`,
    type: "message",
    event: "{}",
    sourceUserId: null,
    sourceGroupId: null,
    attempts: 0,
  };
  if (fresh !== undefined) event.fresh = fresh;
  return event;
}
