import type { ClaimedEvent } from "./store";

/**
 * A dispatcher's state for one channel, with every change of it in this file.
 *
 * Two questions make up the state:
 * - **Ownership**: is the channel's lease this dispatcher's? `free` (another dispatcher's, or
 *   nobody's), `held` (only the holder claims the channel's events), or `leaving` (being handed
 *   over: no more claims; the lease goes once the sends in flight have ended).
 * - **Claiming**: `ready` to claim when the queue runs low, `claiming`, `claimingWithNews` (new
 *   events were announced while a claim ran: claim again when it ends), or `exhausted` (the last
 *   claim found fewer events than it asked for: wait for news before asking again).
 *
 * Beside them: the cursor past which fresh events are read (`ClaimOptions.after`), whether the
 * next claim also takes over leases that ran out, whether outcomes from an earlier lease must
 * be written before the channel's events are read afresh, and when the lease runs out.
 */
export type LaneOwnership = "free" | "held" | "leaving";
export type LaneClaiming = "ready" | "claiming" | "claimingWithNews" | "exhausted";

export class ChannelLane {
  /** Claimed events waiting for a free slot, in arrival order. */
  readonly queue: ClaimedEvent[] = [];
  /** Sends in flight. */
  inFlight = 0;
  private ownershipState: LaneOwnership = "free";
  private claimingState: LaneClaiming = "ready";
  private cursorSeq = 0;
  private isReclaimDue = true;
  private isFlushDue = true;
  private leaseUntilMs = 0;
  private isWaitingForRenewal = false;
  private lastSendEndedAt = Number.NEGATIVE_INFINITY;

  constructor(readonly channelId: string) {}

  get ownership(): LaneOwnership {
    return this.ownershipState;
  }

  get claiming(): LaneClaiming {
    return this.claimingState;
  }

  /** This dispatcher holds the channel's lease (also while handing it over). */
  get isHeld(): boolean {
    return this.ownershipState !== "free";
  }

  get isLeaving(): boolean {
    return this.ownershipState === "leaving";
  }

  /** Nothing queued, in flight or being claimed. */
  get isIdle(): boolean {
    return this.inFlight === 0 && this.queue.length === 0 && !this.isClaiming;
  }

  get isClaiming(): boolean {
    return this.claimingState === "claiming" || this.claimingState === "claimingWithNews";
  }

  /** The highest seq of the fresh events taken since the lease was taken. */
  get cursor(): number {
    return this.cursorSeq;
  }

  /** The next claim also takes over events whose dispatcher's lease ran out. */
  get shouldReclaim(): boolean {
    return this.isReclaimDue;
  }

  /** Outcomes this dispatcher may still hold from an earlier lease are to be written first. */
  get shouldFlushFirst(): boolean {
    return this.isFlushDue;
  }

  /** When the lease runs out unless it is renewed (this process's clock, as the lease was written). */
  get leaseUntil(): number {
    return this.leaseUntilMs;
  }

  /**
   * Whether a send may start at `now`: only while the lease has `marginMs` left, enough for the
   * send and the write of its outcome, so that no other dispatcher can take the channel and
   * read the event as still pending while it is in flight or its outcome unwritten.
   */
  mayStartSend(now: number, marginMs: number): boolean {
    return now + marginMs <= this.leaseUntilMs;
  }

  /** Notes that sends wait for the lease to be renewed; returns whether they were not waiting already. */
  waitForRenewal(): boolean {
    if (this.isWaitingForRenewal) return false;
    this.isWaitingForRenewal = true;
    return true;
  }

  /** A send of the lane's ended at `now`. */
  sendEnded(now: number): void {
    this.lastSendEndedAt = now;
  }

  /**
   * Whether the lane has work, or had within the last `holdMs`: a channel whose events come in
   * bursts keeps its holder between them, rather than being given up and read afresh from its
   * first event by the next holder at every pause.
   */
  isBusy(now: number, holdMs: number): boolean {
    return !this.isIdle || now - this.lastSendEndedAt < holdMs;
  }

  /** Whether a claim may start now: held, not leaving, not claiming or exhausted, and the queue runs low. */
  canClaim(concurrency: number): boolean {
    return this.ownershipState === "held" && this.claimingState === "ready" && this.queue.length < concurrency;
  }

  // Ownership.

  /**
   * The scan found the lease ours. Newly taken, the channel's events are read afresh from the
   * start, after the outcomes of any earlier lease are written; `hasPending` (the database
   * reports work for it) also asks the next claim to look for leases that ran out. `until` is
   * when the lease, as taken or renewed, runs out.
   */
  holdLease(hasPending: boolean, until: number): void {
    this.leaseUntilMs = until;
    this.isWaitingForRenewal = false;
    if (this.ownershipState === "free") {
      this.ownershipState = "held";
      this.cursorSeq = 0;
      this.isFlushDue = true;
      this.isReclaimDue = true;
    } else if (hasPending) {
      this.isReclaimDue = true;
    }
  }

  /** Another dispatcher holds the lease now, or this one gave it up or stopped. */
  loseLease(): void {
    this.ownershipState = "free";
  }

  /** Starts handing the channel over; returns the queued events to give back. */
  startLeaving(): ClaimedEvent[] {
    if (this.ownershipState === "held") this.ownershipState = "leaving";
    return this.queue.splice(0);
  }

  /** Ends a hand-over once the lane is idle; returns whether the lease is now to be given up. */
  finishLeaving(): boolean {
    if (this.ownershipState !== "leaving" || !this.isIdle) return false;
    this.ownershipState = "free";
    return true;
  }

  // Claiming.

  /** New events were announced for the channel. */
  hearNews(): void {
    if (this.claimingState === "exhausted") this.claimingState = "ready";
    else if (this.claimingState === "claiming") this.claimingState = "claimingWithNews";
  }

  claimStarted(): void {
    this.claimingState = "claiming";
  }

  /**
   * A claim ended with `got` of the `room` events it asked for: a short claim means the channel
   * has no more for now, unless news came while it ran.
   */
  claimEnded(got: number, room: number): void {
    this.claimingState = got < room && this.claimingState !== "claimingWithNews" ? "exhausted" : "ready";
  }

  /** What a claim took is in the queue; fresh events move the cursor past them. */
  enqueue(events: readonly ClaimedEvent[]): void {
    for (const event of events) {
      this.queue.push(event);
      if (event.fresh && event.seq > this.cursorSeq) this.cursorSeq = event.seq;
    }
  }

  /** A claim asked for leases that ran out, so the next need not until the scan asks again. */
  reclaimDone(): void {
    this.isReclaimDue = false;
  }

  /** The earlier lease's outcomes are written. */
  flushDone(): void {
    this.isFlushDue = false;
  }
}
