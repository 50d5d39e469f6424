import { randomUUID } from "node:crypto";
import { countSend } from "../operations/metrics";
import { storedEventBody } from "../webhook/payload";
import { RESPONSE_TIMEOUT_MS, sendWebhook, type SendResult, type SendWebhookOptions } from "../webhook/sender";
import { attemptFromResult } from "./attempt-record";
import { ChannelLane } from "./channel-lane";
import type { ChannelDelivery, ClaimedEvent, DeliveryStore, EventOutcome, OutcomeRecorder } from "./store";
import { logger } from "../log";

export type DispatcherOptions = {
  store: DeliveryStore;
  /** Where finished sends' outcomes are written; the store itself by default. */
  outcomes?: OutcomeRecorder;
  /** How many sends one channel may have in flight. */
  channelConcurrency: number;
  leaseMs: number;
  /** Settings passed to every send (timeouts, DNS servers, extra CAs). */
  send?: Omit<SendWebhookOptions, "url" | "body" | "secret">;
  /** How often the database is searched for work other processes accepted, or a crash left. */
  pollMs?: number;
  /** How long finished sends may wait before their outcomes are written together. */
  flushMs?: number;
  /**
   * How long a dispatcher holds a channel without renewing it; when one dies, its channels go
   * to the others after this long.
   */
  channelLeaseMs?: number;
  now?: () => number;
  /** Where errors and warnings go; the process's log by default. */
  log?: (message: string) => void;
};

export const DEFAULT_CHANNEL_LEASE_MS = 10_000;
/** How often the database is searched for work by default. */
const DEFAULT_POLL_MS = 500;
/** How long finished sends wait by default before their outcomes are written together. */
const DEFAULT_FLUSH_MS = 50;
/** A batch of this many finished sends is written at once, without waiting. */
const FLUSH_AT_OUTCOMES = 512;
/** After a failed write, outcomes wait this long before the next try. */
const FLUSH_RETRY_MS = 1000;
/**
 * A lane claims in chunks of at least a round of its slots when its queue runs low, and never
 * more than can be sent well within the lease: this many rounds queued at most.
 */
const QUEUED_ROUNDS = 4;
/**
 * What a send's outcome is given, beyond the send's own deadline, to be written while the
 * channel's lease still holds; a send starts only if both fit in what is left of the lease (at
 * most half of it).
 */
const OUTCOME_WRITE_ALLOWANCE_MS = 1000;
/** The sender's defaults throughout. */
const NO_SEND_SETTINGS: NonNullable<DispatcherOptions["send"]> = {};

/**
 * Sends accepted events to bot servers. Each channel has its own lane with bounded concurrency,
 * so a hanging bot only ever holds its own channel's slots. A lane reads its channel's fresh
 * events past a cursor (redeliveries are claimed with a lease), and every event stays pending
 * until its outcome is written, so a crash at any point loses none of them.
 *
 * Dispatchers sharing a database share the channels: each channel is held by one dispatcher at a
 * time (a renewed lease), so its arrival order and concurrency limit hold across processes, and
 * live dispatchers split the busy channels evenly between them.
 */
export class Dispatcher {
  readonly workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly lanes = new Map<string, ChannelLane>();
  /** Channels whose lease is being given up: not to be taken again meanwhile. */
  private readonly releasing = new Set<string>();
  /** Each held channel's URL, secret and switches, as its lane's last claim read them. */
  private readonly channelCache = new Map<string, ChannelDelivery>();
  private outcomes: EventOutcome[] = [];
  /**
   * Set while finished sends' outcomes cannot be written (a full disk, a database out of reach):
   * no send starts until they are, so that unwritten outcomes stay few and a restart meanwhile
   * sends again only those.
   */
  private outcomesStuck = false;
  private readonly flushes = new Set<Promise<void>>();
  private flushTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private running = false;
  private scanning: Promise<void> | null = null;
  private rescan = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  private readonly warn: (message: string) => void;
  private readonly channelLeaseMs: number;
  /** How much of a channel's lease must be left for a send to start (see `ChannelLane.mayStartSend`). */
  private readonly sendMarginMs: number;

  constructor(private readonly options: DispatcherOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((message) => logger().error({ component: "dispatcher", workerId: this.workerId }, message));
    this.warn = options.log ?? ((message) => logger().warn({ component: "dispatcher", workerId: this.workerId }, message));
    this.channelLeaseMs = options.channelLeaseMs ?? DEFAULT_CHANNEL_LEASE_MS;
    const sendAndWriteMs = (options.send?.responseTimeoutMs ?? RESPONSE_TIMEOUT_MS) + OUTCOME_WRITE_ALLOWANCE_MS;
    this.sendMarginMs = Math.min(sendAndWriteMs, this.channelLeaseMs / 2);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const poll = () => {
      if (!this.running) return;
      void this.scan().finally(() => {
        // Not unref'd: a standalone worker has nothing else keeping it alive.
        if (this.running) this.pollTimer = setTimeout(poll, this.options.pollMs ?? DEFAULT_POLL_MS);
      });
    };
    poll();
  }

  /** Stops taking work, waits for sends in flight, writes their outcomes and gives up the channels. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.pollTimer);
    await this.scanning;
    // Queued events go back at once, so another dispatcher need not wait for their lease.
    const unsent = [...this.lanes.values()].flatMap((lane) => lane.queue.splice(0));
    await this.releaseEvents(unsent);
    await this.whenIdle();
    await this.flush();
    await Promise.all(this.flushes);
    for (const lane of this.lanes.values()) lane.loseLease();
    try {
      await this.options.store.retireDispatcher(this.workerId);
    } catch (error) {
      this.log(`dispatcher: cannot give up its channels; their leases will: ${String(error)}`);
    }
  }

  /** Tells the dispatcher that a channel has new events, so it need not wait for the next poll. */
  notify(channelId: string): void {
    if (!this.running) return;
    const lane = this.lane(channelId);
    if (lane.isHeld) this.pump(lane, true);
    else this.requestScan();
  }

  /** Resolves when nothing is queued or in flight. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    if (this.scanning) return false;
    for (const lane of this.lanes.values()) if (!lane.isIdle) return false;
    return true;
  }

  /** Runs a scan now, or right after the one in progress. */
  private requestScan(): void {
    if (this.scanning) this.rescan = true;
    else void this.scan();
  }

  /**
   * Finds channels with work, takes or renews this dispatcher's share of them, and gives up
   * channels it holds beyond its share or no longer needs.
   */
  private scan(): Promise<void> {
    if (this.scanning) return this.scanning;
    this.scanning = (async () => {
      do {
        this.rescan = false;
        try {
          await this.scanOnce();
        } catch (error) {
          this.log(`dispatcher: cannot look for work: ${String(error)}`);
        }
      } while (this.rescan && this.running);
    })().finally(() => {
      this.scanning = null;
      this.resolveIdle();
    });
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    if (!this.running) return;
    const { store } = this.options;
    const now = this.now();
    const live = await store.heartbeat(this.workerId, now, this.channelLeaseMs);
    const cursors = new Map<string, number>();
    for (const lane of this.lanes.values()) if (lane.isHeld) cursors.set(lane.channelId, lane.cursor);
    const withWork = await store.channelsWithWork(now, this.workerId, cursors);
    const holdMs = this.channelLeaseMs / 4;
    const busy = [...this.lanes.values()].filter((lane) => lane.isHeld && lane.isBusy(now, holdMs)).map((lane) => lane.channelId);
    // Channels this dispatcher is busy with come first, so that renewing them is never crowded out.
    const wanted = [...new Set([...busy, ...withWork])].filter((channelId) => !this.releasing.has(channelId));
    const share = Math.max(1, Math.ceil(wanted.length / Math.max(1, live)));
    // The lease runs from the moment it is written, not from the start of a scan that may have
    // waited on a busy database.
    const leaseFrom = this.now();
    const held = new Set(await store.acquireChannels(this.workerId, wanted, share, leaseFrom, this.channelLeaseMs));
    if (!this.running) return;
    const answeredAt = this.now();
    const wantedSet = new Set(wanted);
    let keeping = 0;
    for (const lane of this.lanes.values()) {
      if (!lane.isHeld || held.has(lane.channelId)) continue;
      if (wantedSet.has(lane.channelId)) {
        // Another dispatcher took the channel after our lease ran out: stop sending its events.
        lane.loseLease();
        this.warn(
          `dispatcher: lost channel ${lane.channelId} to another dispatcher: its lease had run out ` +
            `${Math.max(0, answeredAt - lane.leaseUntil)} ms before the database answered its renewal`,
        );
        await this.releaseEvents(lane.queue.splice(0));
      } else {
        // Nothing left to do on it (a channel not wanted is idle): it is given up once the
        // outcomes of its last sends are written, or the next holder would read those events as
        // still pending and send them again.
        this.leave(lane);
      }
    }
    const withWorkSet = new Set(withWork);
    for (const channelId of held) {
      const lane = this.lane(channelId);
      const isNewlyHeld = !lane.isHeld;
      lane.holdLease(withWorkSet.has(channelId), leaseFrom + this.channelLeaseMs);
      // Over our share (another dispatcher started): hand the extra channels over once they drain.
      if (keeping >= share && !lane.isLeaving) this.leave(lane);
      if (!lane.isLeaving) keeping += 1;
      // A renewed lease also lets sends start again that waited for it.
      this.pump(lane, isNewlyHeld || withWorkSet.has(channelId));
      this.finishLeaving(lane);
    }
  }

  /** Starts handing a channel over: queued events go back, sends in flight finish. */
  private leave(lane: ChannelLane): void {
    void this.releaseEvents(lane.startLeaving());
    this.finishLeaving(lane);
  }

  /** Gives up a leaving channel's lease once its sends are over and their outcomes written. */
  private finishLeaving(lane: ChannelLane): void {
    if (!lane.finishLeaving()) return;
    this.releasing.add(lane.channelId);
    void (async () => {
      await this.flush();
      await Promise.all(this.flushes);
      await this.options.store.releaseChannels(this.workerId, [lane.channelId]);
    })()
      .catch((error) => this.log(`dispatcher: cannot give up channel ${lane.channelId}: ${String(error)}`))
      .finally(() => this.releasing.delete(lane.channelId));
  }

  /** Gives back claimed events that will not be sent (those read without a lease are still pending). */
  private async releaseEvents(events: readonly ClaimedEvent[]): Promise<void> {
    const seqs = events.map((e) => e.seq);
    if (seqs.length === 0) return;
    try {
      await this.options.store.release(seqs, this.workerId);
    } catch (error) {
      this.log(`dispatcher: cannot release ${seqs.length} events; their lease will: ${String(error)}`);
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
    if (!this.running || !lane.isHeld) return;
    if (hasNews) lane.hearNews();
    const concurrency = this.options.channelConcurrency;
    if (lane.canClaim(concurrency)) {
      const room = QUEUED_ROUNDS * concurrency - lane.queue.length;
      void this.claimInto(lane, room).then(() => {
        if (lane.claiming === "ready") this.pump(lane);
        else this.startSends(lane);
      });
    }
    this.startSends(lane);
  }

  /** Claims up to `room` events into the lane; returns how many it got. */
  private async claimInto(lane: ChannelLane, room: number): Promise<void> {
    lane.claimStarted();
    let got = 0;
    try {
      got = await this.claimOnce(lane, room);
    } catch (error) {
      this.log(`dispatcher: cannot claim events of channel ${lane.channelId}: ${String(error)}`);
    } finally {
      lane.claimEnded(got, room);
      this.finishLeaving(lane);
      this.resolveIdle();
    }
  }

  /** One claim for a lane: skips the channel's events while Use webhook is off; returns how many it queued. */
  private async claimOnce(lane: ChannelLane, room: number): Promise<number> {
    const { store, leaseMs } = this.options;
    const channel = await store.channel(lane.channelId);
    if (!channel) return 0;
    if (!channel.useWebhook) {
      await store.skipPending(lane.channelId, this.now());
      return 0;
    }
    if (lane.shouldFlushFirst) {
      await this.flush();
      await Promise.all(this.flushes);
      lane.flushDone();
    }
    const claimed = await store.claim(lane.channelId, this.workerId, room, this.now(), leaseMs, {
      reclaimExpired: lane.shouldReclaim,
      after: lane.cursor,
    });
    lane.reclaimDone();
    if (!this.running || lane.ownership !== "held") {
      // The channel went elsewhere, or we are stopping, while the claim ran.
      await this.releaseEvents(claimed);
      return 0;
    }
    lane.enqueue(claimed);
    this.channelCache.set(lane.channelId, channel);
    return claimed.length;
  }

  private startSends(lane: ChannelLane): void {
    const channel = this.channelCache.get(lane.channelId);
    while (channel && !this.outcomesStuck && lane.inFlight < this.options.channelConcurrency && lane.queue.length > 0) {
      if (!lane.mayStartSend(this.now(), this.sendMarginMs)) {
        if (lane.waitForRenewal()) {
          this.warn(
            `dispatcher: channel ${lane.channelId}'s lease runs out in ${Math.max(0, lane.leaseUntil - this.now())} ms ` +
              `and has not been renewed (the database is slow to answer): its sends wait for the renewal`,
          );
        }
        break;
      }
      const event = lane.queue.shift()!;
      lane.inFlight += 1;
      void this.sendOne(channel, event).finally(() => {
        lane.inFlight -= 1;
        lane.sendEnded(this.now());
        if (lane.isLeaving) this.finishLeaving(lane);
        else if (this.running) this.pump(lane);
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
    const body = storedEventBody(channel.botUserId, claimed.event, isRedelivery);
    const url = channel.webhookUrl ?? "";
    const startedAt = this.now();
    let result: SendResult;
    try {
      result = await sendWebhook(this.sendOptions(url, body, channel.channelSecret));
    } catch (error) {
      // The sender never throws for the network; this is our own bug. Leave the event pending
      // (its lease expires and it is sent again) rather than count it against the bot.
      this.log(`dispatcher: send of ${claimed.webhookEventId} failed on our side: ${String(error)}`);
      return;
    }
    const attempt = attemptFromResult(result, {
      channelId: channel.id,
      webhookEventId: claimed.webhookEventId,
      kind: "event",
      isRedelivery,
      url,
      startedAt,
      eventType: claimed.type,
      sourceUserId: claimed.sourceUserId ?? undefined,
      sourceGroupId: claimed.sourceGroupId ?? undefined,
    });
    countSend(attempt);
    this.outcomes.push({ seq: claimed.seq, attemptsBefore: claimed.attempts, attempt });
    this.scheduleFlush();
  }

  /**
   * A send's options as one literal of the same shape every time, rather than the settings
   * spread into a new object per send.
   */
  private sendOptions(url: string, body: string, secret: string): SendWebhookOptions {
    const settings = this.options.send ?? NO_SEND_SETTINGS;
    return {
      url,
      body,
      secret,
      responseTimeoutMs: settings.responseTimeoutMs,
      connectTimeoutMs: settings.connectTimeoutMs,
      dnsTimeoutMs: settings.dnsTimeoutMs,
      dnsServers: settings.dnsServers,
      ca: settings.ca,
      maxResponseBytes: settings.maxResponseBytes,
      urlPolicy: settings.urlPolicy,
      // Every option named, so that one added to the sender cannot be left out here unnoticed.
    } satisfies Record<keyof SendWebhookOptions, unknown>;
  }

  private scheduleFlush(): void {
    if (this.outcomes.length >= FLUSH_AT_OUTCOMES) {
      void this.flush();
      return;
    }
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => void this.flush(), this.options.flushMs ?? DEFAULT_FLUSH_MS);
  }

  /** Writes finished sends in one transaction. On a database error they wait for the next try. */
  private flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.outcomes.length === 0) return Promise.resolve();
    const batch = this.outcomes;
    this.outcomes = [];
    const writing = (this.options.outcomes ?? this.options.store)
      .recordOutcomes(batch, this.now())
      .then(() => {
        if (!this.outcomesStuck) return;
        this.outcomesStuck = false;
        for (const lane of this.lanes.values()) this.pump(lane);
      })
      .catch((error: unknown) => {
        this.log(`dispatcher: cannot record ${batch.length} outcomes, will retry: ${String(error)}`);
        this.outcomesStuck = true;
        this.outcomes = batch.concat(this.outcomes);
        clearTimeout(this.flushTimer);
        this.flushTimer = setTimeout(() => void this.flush(), FLUSH_RETRY_MS);
      })
      .finally(() => this.flushes.delete(writing));
    this.flushes.add(writing);
    return writing;
  }
}
