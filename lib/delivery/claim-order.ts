import type { ClaimedEvent, ClaimOptions } from "./store";

/**
 * The order a claim takes a channel's events in, written once for both stores: first what a dead
 * dispatcher left in flight (leases that ran out), then fresh events in arrival order, then
 * redeliveries that are due, so a backlog of redeliveries never starves first sends.
 */

/** Which kinds of events one leasing statement may take. */
export type LeaseKinds = { expired: boolean; fresh: boolean; due: boolean };

/** The statements a store claims with. */
export interface ClaimSteps {
  /** Leases up to `limit` events of the kinds asked for, expired before fresh before due. */
  lease(limit: number, kinds: LeaseKinds): Promise<ClaimedEvent[]>;
  /** Reads up to `limit` pending events past `after` without writing anything. */
  readFresh(after: number, limit: number): Promise<ClaimedEvent[]>;
  /**
   * Cheap reads a store may offer to skip a leasing statement that would find nothing (on SQLite
   * that statement waits for the write lock even then).
   */
  mayHaveExpired?(): Promise<boolean>;
  mayHaveDue?(): Promise<boolean>;
}

const bySeq = (a: ClaimedEvent, b: ClaimedEvent) => a.seq - b.seq;

/**
 * Claims up to `limit` of a channel's events. With a cursor (`after`), fresh events are read
 * past it and stay pending (the channel's lease keeps other dispatchers off them), and only
 * expired and due events are leased; without one, all three kinds are leased together.
 */
export async function claimInOrder(
  steps: ClaimSteps,
  limit: number,
  { reclaimExpired = true, after }: ClaimOptions = {},
): Promise<ClaimedEvent[]> {
  if (limit <= 0) return [];
  if (after === undefined) return (await steps.lease(limit, { expired: reclaimExpired, fresh: true, due: true })).sort(bySeq);
  const expired =
    reclaimExpired && (await (steps.mayHaveExpired?.() ?? true))
      ? (await steps.lease(limit, { expired: true, fresh: false, due: false })).sort(bySeq)
      : [];
  const fresh = expired.length < limit ? await steps.readFresh(after, limit - expired.length) : [];
  for (const event of fresh) event.fresh = true;
  const room = limit - expired.length - fresh.length;
  const due =
    room > 0 && (await (steps.mayHaveDue?.() ?? true)) ? (await steps.lease(room, { expired: false, fresh: false, due: true })).sort(bySeq) : [];
  return [...expired, ...fresh, ...due];
}
