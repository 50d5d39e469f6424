import { randomUUID } from "node:crypto";
import { sendWebhook, type SendResult, type SendWebhookOptions } from "../webhook/sender";
import type { AttemptRecord, ChannelDelivery, ClaimedEvent, DeliveryStore, EventOutcome } from "./store";

export type DispatcherOptions = {
  store: DeliveryStore;
  /** How many sends one channel may have in flight. */
  channelConcurrency: number;
  leaseMs: number;
  /** Settings passed to every send (timeouts, DNS servers, extra CAs). */
  send?: Omit<SendWebhookOptions, "url" | "body" | "secret">;
  /** How often the database is searched for work other processes accepted, or a crash left. */
  pollMs?: number;
  /** How long finished sends may wait before their outcomes are written together. */
  flushMs?: number;
  now?: () => number;
  log?: (message: string) => void;
};

const REQUEST_EXCERPT_BYTES = 2048;
const RESPONSE_EXCERPT_BYTES = 1024;

/** One channel's queue: events start in arrival order, at most `concurrency` at a time. */
class ChannelLane {
  queue: ClaimedEvent[] = [];
  inFlight = 0;
  claiming = false;
  /** The last claim found fewer events than it asked for: wait for news before asking again. */
  exhausted = false;
  /** The next claim also takes over events whose dispatcher's lease ran out (set by the scan). */
  reclaim = true;
  constructor(readonly channelId: string) {}
}

/**
 * Sends accepted events to bot servers. Each channel has its own lane with bounded concurrency,
 * so a hanging bot only ever holds its own channel's slots. Events are claimed with a lease and
 * stay pending until their outcome is written, so a crash at any point loses none of them.
 */
export class Dispatcher {
  readonly workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly lanes = new Map<string, ChannelLane>();
  private outcomes: EventOutcome[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly now: () => number;
  private readonly log: (message: string) => void;

  constructor(private readonly options: DispatcherOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((message) => console.error(message));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const poll = () => {
      if (!this.running) return;
      this.scan();
      // Not unref'd: a standalone worker has nothing else keeping it alive.
      this.pollTimer = setTimeout(poll, this.options.pollMs ?? 500);
    };
    poll();
  }

  /** Stops taking work, waits for sends in flight and writes their outcomes. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.pollTimer);
    // Queued events go back at once, so another dispatcher need not wait for their lease.
    const unsent = [...this.lanes.values()].flatMap((lane) => lane.queue.splice(0).map((e) => e.seq));
    if (unsent.length > 0) {
      try {
        this.options.store.release(unsent, this.workerId);
      } catch (error) {
        this.log(`dispatcher: cannot release ${unsent.length} events; their lease will: ${String(error)}`);
      }
    }
    await this.whenIdle();
    this.flush();
  }

  /** Tells the dispatcher that a channel has new events, so it need not wait for the next poll. */
  notify(channelId: string): void {
    if (!this.running) return;
    this.pump(this.lane(channelId), true);
  }

  /** Resolves when nothing is queued or in flight. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    for (const lane of this.lanes.values()) {
      if (lane.inFlight > 0 || lane.queue.length > 0 || lane.claiming) return false;
    }
    return true;
  }

  private scan(): void {
    let channels: string[];
    try {
      channels = this.options.store.channelsWithPendingEvents(this.now());
    } catch (error) {
      this.log(`dispatcher: cannot read pending events: ${String(error)}`);
      return;
    }
    for (const channelId of channels) {
      const lane = this.lane(channelId);
      lane.reclaim = true;
      this.pump(lane, true);
    }
  }

  private lane(channelId: string): ChannelLane {
    let lane = this.lanes.get(channelId);
    if (!lane) {
      lane = new ChannelLane(channelId);
      this.lanes.set(channelId, lane);
    }
    return lane;
  }

  /** Tops up a lane's queue from the database and starts as many sends as it may. */
  private pump(lane: ChannelLane, hasNews = false): void {
    if (!this.running) return;
    if (hasNews) lane.exhausted = false;
    const concurrency = this.options.channelConcurrency;
    // Claim in chunks of at least a round of the lane's slots when the queue runs low, and never
    // more than can be sent well within the lease: four rounds queued at most.
    if (!lane.exhausted && !lane.claiming && lane.queue.length < concurrency) {
      const room = concurrency * 4 - lane.queue.length;
      if (this.claimInto(lane, room) < room) lane.exhausted = true;
    }
    this.startSends(lane);
  }

  /** Claims up to `room` events into the lane; returns how many it got. */
  private claimInto(lane: ChannelLane, room: number): number {
    const { store, leaseMs } = this.options;
    lane.claiming = true;
    try {
      const channel = store.channel(lane.channelId);
      if (!channel) return 0;
      if (!channel.useWebhook) {
        store.skipPending(lane.channelId, this.now());
        return 0;
      }
      const claimed = store.claim(lane.channelId, this.workerId, room, this.now(), leaseMs, lane.reclaim);
      lane.reclaim = false;
      for (const event of claimed) lane.queue.push(event);
      this.channelCache.set(lane.channelId, channel);
      return claimed.length;
    } catch (error) {
      this.log(`dispatcher: cannot claim events of channel ${lane.channelId}: ${String(error)}`);
      return 0;
    } finally {
      lane.claiming = false;
    }
  }

  private readonly channelCache = new Map<string, ChannelDelivery>();

  private startSends(lane: ChannelLane): void {
    const channel = this.channelCache.get(lane.channelId);
    while (channel && lane.inFlight < this.options.channelConcurrency && lane.queue.length > 0) {
      const event = lane.queue.shift()!;
      lane.inFlight += 1;
      void this.sendOne(channel, event).finally(() => {
        lane.inFlight -= 1;
        if (this.running) this.pump(lane);
        this.resolveIdle();
      });
    }
    this.resolveIdle();
  }

  private resolveIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async sendOne(channel: ChannelDelivery, claimed: ClaimedEvent): Promise<void> {
    const isRedelivery = claimed.attempts > 0;
    const event = isRedelivery ? markRedelivery(claimed.event) : claimed.event;
    // The body is assembled from stored JSON text: no parse and re-serialise per send.
    const body = `{"destination":${JSON.stringify(channel.botUserId)},"events":[${event}]}`;
    const url = channel.webhookUrl ?? "";
    const startedAt = this.now();
    let result: SendResult;
    try {
      result = await sendWebhook({ ...this.options.send, url, body, secret: channel.channelSecret });
    } catch (error) {
      // The sender never throws for the network; this is our own bug. Leave the event pending
      // (its lease expires and it is sent again) rather than count it against the bot.
      this.log(`dispatcher: send of ${claimed.webhookEventId} failed on our side: ${String(error)}`);
      return;
    }
    this.outcomes.push({
      seq: claimed.seq,
      attemptsBefore: claimed.attempts,
      attempt: attemptFromResult(result, {
        channelId: channel.id,
        webhookEventId: claimed.webhookEventId,
        kind: "event",
        isRedelivery,
        url,
        startedAt,
        body,
      }),
    });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.outcomes.length >= 512) {
      this.flush();
      return;
    }
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), this.options.flushMs ?? 50);
  }

  /** Writes finished sends in one transaction. On a database error they wait for the next try. */
  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.outcomes.length === 0) return;
    const batch = this.outcomes;
    this.outcomes = [];
    try {
      this.options.store.recordOutcomes(batch, this.now());
    } catch (error) {
      this.log(`dispatcher: cannot record ${batch.length} outcomes, will retry: ${String(error)}`);
      this.outcomes = batch.concat(this.outcomes);
      this.flushTimer = setTimeout(() => this.flush(), 1000);
    }
  }
}

/** Sets `deliveryContext.isRedelivery` in a stored event's JSON. */
function markRedelivery(eventJson: string): string {
  const event = JSON.parse(eventJson) as { deliveryContext?: { isRedelivery: boolean } };
  event.deliveryContext = { isRedelivery: true };
  return JSON.stringify(event);
}

/** The attempt-log row for a send's result. */
export function attemptFromResult(
  result: SendResult,
  base: Pick<AttemptRecord, "channelId" | "webhookEventId" | "kind" | "isRedelivery" | "url" | "startedAt"> & {
    body: string;
  },
): AttemptRecord {
  const { body, ...rest } = base;
  return {
    ...rest,
    durationMs: result.timings.total,
    dnsMs: result.timings.dns,
    connectMs: result.timings.connect,
    tlsMs: result.timings.tls,
    firstByteMs: result.timings.firstByte,
    httpVersion: result.httpVersion,
    statusCode: result.statusCode,
    failure: result.ok ? null : { reason: result.reason, detail: result.detail },
    requestExcerpt: body.slice(0, REQUEST_EXCERPT_BYTES),
    responseExcerpt: result.responseExcerpt?.slice(0, RESPONSE_EXCERPT_BYTES),
  };
}
