import { describe, expect, test } from "vitest";
import { ChannelLane } from "@/lib/delivery/channel-lane";
import { claimedEvent } from "../support/claimed";

const event = (seq: number, fresh = true) => claimedEvent(seq, fresh);
/** When the leases the tests give run out. */
const UNTIL = 10_000;

/** A lane the scan has just given this dispatcher. */
function heldLane(): ChannelLane {
  const lane = new ChannelLane("1000000001");
  lane.holdLease(false, UNTIL);
  return lane;
}

describe("a channel's lane", () => {
  test("a lane nobody gave us never claims", () => {
    expect(new ChannelLane("1000000001").canClaim(16)).toBe(false);
  });

  test("a newly held lane claims from the start, flushing first and reclaiming leases that ran out", () => {
    const lane = heldLane();
    expect([lane.ownership, lane.cursor, lane.shouldFlushFirst, lane.shouldReclaim, lane.canClaim(16)]).toEqual(["held", 0, true, true, true]);
  });

  test.each([
    { label: "a full claim leaves the lane ready", got: 64, room: 64, news: false, after: "ready" },
    { label: "a short claim exhausts the lane", got: 10, room: 64, news: false, after: "exhausted" },
    { label: "news during a short claim keeps the lane ready", got: 10, room: 64, news: true, after: "ready" },
  ])("$label", ({ got, room, news, after }) => {
    const lane = heldLane();
    lane.claimStarted();
    expect(lane.isClaiming).toBe(true);
    if (news) lane.hearNews();
    lane.claimEnded(got, room);
    expect(lane.claiming).toBe(after);
  });

  test("news wakes an exhausted lane", () => {
    const lane = heldLane();
    lane.claimStarted();
    lane.claimEnded(0, 64);
    expect(lane.canClaim(16)).toBe(false);
    lane.hearNews();
    expect(lane.canClaim(16)).toBe(true);
  });

  test("a lane with a queue of a round or more does not claim", () => {
    const lane = heldLane();
    lane.enqueue([1, 2, 3, 4].map((seq) => event(seq)));
    expect(lane.canClaim(4)).toBe(false);
    expect(lane.canClaim(5)).toBe(true);
  });

  test("fresh events move the cursor; leased redeliveries do not", () => {
    const lane = heldLane();
    lane.enqueue([event(7), event(9), event(3, false)]);
    expect(lane.cursor).toBe(9);
  });

  test("a renewed lease keeps the cursor; pending work asks for a reclaim again", () => {
    const lane = heldLane();
    lane.enqueue([event(5)]);
    lane.reclaimDone();
    lane.flushDone();
    lane.holdLease(false, UNTIL);
    expect([lane.cursor, lane.shouldReclaim, lane.shouldFlushFirst]).toEqual([5, false, false]);
    lane.holdLease(true, UNTIL);
    expect([lane.cursor, lane.shouldReclaim, lane.shouldFlushFirst]).toEqual([5, true, false]);
  });

  test("a lease lost and taken again starts from the start", () => {
    const lane = heldLane();
    lane.enqueue([event(5)]);
    lane.queue.splice(0);
    lane.flushDone();
    lane.loseLease();
    expect(lane.isHeld).toBe(false);
    lane.holdLease(false, UNTIL);
    expect([lane.cursor, lane.shouldFlushFirst]).toEqual([0, true]);
  });

  test("sends start only while the lease has the margin left, and wait for a renewal once", () => {
    const lane = heldLane();
    expect([lane.mayStartSend(UNTIL - 3000, 3000), lane.mayStartSend(UNTIL - 2999, 3000)]).toEqual([true, false]);
    expect([lane.waitForRenewal(), lane.waitForRenewal()]).toEqual([true, false]);
    lane.holdLease(false, UNTIL + 5000);
    expect(lane.leaseUntil).toBe(UNTIL + 5000);
    expect(lane.mayStartSend(UNTIL - 2999, 3000)).toBe(true);
    expect(lane.waitForRenewal()).toBe(true);
  });

  test("a lane stays busy for the hold after its last send, and while anything is queued or in flight", () => {
    const lane = heldLane();
    expect(lane.isBusy(5000, 2500)).toBe(false);
    lane.sendEnded(5000);
    expect([lane.isBusy(7499, 2500), lane.isBusy(7500, 2500)]).toEqual([true, false]);
    lane.inFlight = 1;
    expect(lane.isBusy(9000, 2500)).toBe(true);
  });

  test("leaving gives the queue back, claims nothing, and ends when the sends in flight have", () => {
    const lane = heldLane();
    lane.enqueue([event(1), event(2)]);
    lane.inFlight = 1;
    expect(lane.startLeaving().map((e) => e.seq)).toEqual([1, 2]);
    expect([lane.ownership, lane.isHeld, lane.canClaim(16)]).toEqual(["leaving", true, false]);
    expect(lane.finishLeaving()).toBe(false);
    lane.inFlight = 0;
    expect(lane.finishLeaving()).toBe(true);
    expect(lane.ownership).toBe("free");
    expect(lane.finishLeaving()).toBe(false);
  });
});
