import type { EVENT_TRANSITIONS } from "./lifecycle";
import type { Failure } from "../webhook/reasons";

/** An event accepted for delivery, as written before it is acknowledged. */
export type NewEvent = {
  webhookEventId: string;
  channelId: string;
  type: string;
  /** The event's JSON as first sent. */
  event: string;
  /** Its source's user, and group or room (see `sourceFacts`). */
  sourceUserId: string | null;
  sourceGroupId: string | null;
  status: (typeof EVENT_TRANSITIONS.accept.to)[number];
  origin: "simulator" | "api" | "load";
  createdAt: number;
};

/** How long a script request's `X-Line-Retry-Key` keeps its batch from being stored again, as LINE's does. */
export const RETRY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** A request's `X-Line-Retry-Key`, stored in the transaction that stores its events. */
export type RetryKey = {
  channelId: string;
  /** A UUID, in lowercase. */
  key: string;
  /** The request's X-Line-Request-Id. */
  requestId: string;
  willSend: boolean;
  now: number;
};

/** The batch an earlier request with the same retry key stored. */
export type AcceptedBatch = { requestId: string; webhookEventIds: string[]; willSend: boolean };

/** An event a dispatcher claimed: it holds it until the lease ends or its outcome is recorded. */
export type ClaimedEvent = {
  seq: number;
  webhookEventId: string;
  type: string;
  event: string;
  sourceUserId: string | null;
  sourceGroupId: string | null;
  attempts: number;
  /**
   * A fresh event (a first send, taken in seq order): the caller moves its cursor
   * (`ClaimOptions.after`) past it.
   */
  fresh?: boolean;
};

/** The columns a claim reads of each event it takes, as a ClaimedEvent's fields. */
export const CLAIMED_COLUMNS = `"seq", "webhookEventId", "type", "event", "sourceUserId", "sourceGroupId", "attempts"`;

export type ClaimOptions = {
  /** Also take events whose dispatcher's lease ran out. */
  reclaimExpired?: boolean;
  /**
   * The highest seq of the channel's fresh events the caller has taken while holding the
   * channel's lease. Fresh events past it are read without writing anything: the channel's lease
   * keeps other dispatchers off them, and they stay pending until their outcome is written. A
   * channel's events commit in seq order (SQLite has one writer at a time; PostgreSQL inserts
   * take a per-channel lock), so none can appear behind the cursor later. Without it, fresh
   * events are leased like the others.
   */
  after?: number;
};

/** What a dispatcher needs to know of a channel to send its events. */
export type ChannelDelivery = {
  id: string;
  webhookUrl: string | null;
  channelSecret: string;
  botUserId: string;
  useWebhook: boolean;
  errorStatisticsAggregation: boolean;
};

/** One real request to a bot server and how it went. */
export type AttemptRecord = {
  channelId: string;
  webhookEventId: string | null;
  kind: "event" | "verify" | "test";
  isRedelivery: boolean;
  url: string;
  startedAt: number;
  durationMs: number;
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  firstByteMs?: number;
  httpVersion?: string;
  statusCode?: number;
  failure: Failure | null;
  /**
   * Set when the URL policy refused the send, which therefore never left: the sentence naming
   * the address and the rule. `failure` is then null, for it is no failure of the bot.
   */
  refusal?: string;
  requestExcerpt: string;
  responseExcerpt?: string;
  /** The request's headers as sent and the response's, each as JSON `[[name, value], …]`. */
  requestHeaders?: string;
  responseHeaders?: string;
  /** How many bytes of response body arrived (`responseExcerpt` keeps the head). */
  responseBytes?: number;
  /** The address and port the request went to. */
  remoteAddress?: string;
  /** A test send of an event edited by hand. */
  isEdited?: boolean;
  /** An event send's event type and source (user, group or room); absent for Verify and API tests. */
  eventType?: string;
  sourceUserId?: string;
  sourceGroupId?: string;
};

/** The outcome of sending one claimed event; `attemptsBefore` counts its earlier sends. */
export type EventOutcome = { seq: number; attemptsBefore: number; attempt: AttemptRecord };

/** Writes the outcomes of finished sends; the dispatcher may hand them to another thread. */
export interface OutcomeRecorder {
  /**
   * Records sends in one transaction, as `planOutcomes` decides: the attempts, the events' new
   * status, and, for channels whose aggregation is on, the 60-second error rows.
   */
  recordOutcomes(outcomes: readonly EventOutcome[], now: number): Promise<void>;
}

/** A dispatcher unseen for this many of its alive periods is forgotten. */
const FORGET_DISPATCHER_AFTER_PERIODS = 100;

/** Dispatchers last seen before this instant are deleted when another beats its heart. */
export function forgetDispatchersSeenBefore(now: number, aliveMs: number): number {
  return now - FORGET_DISPATCHER_AFTER_PERIODS * aliveMs;
}

/**
 * The delivery engine's storage: batched, and written with plain SQL, because the hot path
 * moves thousands of rows a second and an ORM round trip per row would be the bottleneck.
 */
export interface DeliveryStore extends OutcomeRecorder {
  /**
   * Writes events in one transaction; returns once they are durable. With a retry key that
   * stored a batch less than RETRY_KEY_TTL_MS ago, writes nothing and returns that batch; else
   * the key is written with the events (so one is never kept without the other) and null returned.
   */
  insertEvents(events: readonly NewEvent[], retryKey?: RetryKey): Promise<AcceptedBatch | null>;
  /**
   * The channels with work, as dispatcher `holder` sees them at `now`:
   * - those another dispatcher holds a live lease on (their holder gives a lease up once its
   *   channel has no more work, so a live lease stands for work);
   * - those `holder` holds (`cursors`: each held channel's `ClaimOptions.after`) that have pending
   *   events past the cursor, which its holder has not read yet;
   * - those nobody holds that have pending events;
   * - any channel with events whose lease ran out, or redeliveries that are due.
   *
   * A held channel's events behind its cursor are never looked at here: on PostgreSQL a busy
   * channel's delivered events leave entries in the status index until a vacuum, and a probe
   * from the channel's first event would step over every one of them, on every scan.
   */
  channelsWithWork(now: number, holder: string, cursors: ReadonlyMap<string, number>): Promise<string[]>;
  channel(channelId: string): Promise<ChannelDelivery | null>;
  /**
   * Takes the oldest events of a channel that are due and that nobody holds (or whose holder's
   * lease ran out, when `reclaimExpired`), for `workerId` until `now + leaseMs`, fresh events in
   * arrival order before due redeliveries.
   */
  claim(
    channelId: string,
    workerId: string,
    limit: number,
    now: number,
    leaseMs: number,
    options?: ClaimOptions,
  ): Promise<ClaimedEvent[]>;
  /** Gives back claimed events that were not sent (a dispatcher stopping). */
  release(seqs: readonly number[], workerId: string): Promise<void>;
  /** Marks a channel's pending events as skipped (Use webhook is off); returns how many. */
  skipPending(channelId: string, now: number): Promise<number>;
  /** Records a Verify or test send, which is never counted in statistics. */
  recordCheck(attempt: AttemptRecord): Promise<void>;
  /**
   * Records that dispatcher `holder` is alive at `now`; returns how many dispatchers were seen
   * within the last `aliveMs` (itself included), so that they can share the channels.
   */
  heartbeat(holder: string, now: number, aliveMs: number): Promise<number>;
  /**
   * Renews `holder`'s leases on the channels it holds among `channels` and takes those whose
   * lease is free or ran out, until it holds `max` of them; returns the channels it holds.
   */
  acquireChannels(holder: string, channels: readonly string[], max: number, now: number, leaseMs: number): Promise<string[]>;
  /** Gives up `holder`'s leases on `channels`. */
  releaseChannels(holder: string, channels: readonly string[]): Promise<void>;
  /** A dispatcher stopping: its heartbeat and every channel lease it holds go. */
  retireDispatcher(holder: string): Promise<void>;
  close(): Promise<void>;
}
