import path from "node:path";
import { Worker, type ResourceLimits } from "node:worker_threads";
import { env } from "../env";
import type { MetricsSnapshot } from "../operations/metrics";
import type { SendWebhookOptions } from "../webhook/sender";
import { DEFAULT_CHANNEL_LEASE_MS, Dispatcher } from "./dispatcher";
import { PgDeliveryStore } from "./pg-store";
import { SqliteDeliveryStore, type SqliteStoreOptions } from "./sqlite-store";
import type { AcceptedBatch, DeliveryStore, NewEvent, OutcomeRecorder, RetryKey } from "./store";
import { logger } from "../log";
import { StorageUnavailableError } from "../errors";
import { PortCaller } from "./port-calls";

// On globalThis: Next bundles route handlers and instrumentation separately, and they must
// share one store and one dispatcher per process.
const runtime = globalThis as unknown as {
  deliveryStore?: { url: string; store: DeliveryStore };
  dispatcher?: Dispatcher;
  dispatcherThreads?: DispatcherThread[];
  eventWriter?: EventWriterThread;
};

/**
 * A new delivery store on the configured database (SQLite file or PostgreSQL); the caller closes
 * it. `redeliverySchedule` defaults to WEBHOOK_REDELIVERY_SCHEDULE; `sqlite` applies on SQLite only.
 */
export function openDeliveryStore(
  redeliverySchedule: readonly number[] = env().webhookRedeliverySchedule,
  sqlite: SqliteStoreOptions = {},
): DeliveryStore {
  const { databaseUrl, databaseKind, sqlitePath } = env();
  return databaseKind === "postgres"
    ? new PgDeliveryStore(databaseUrl, redeliverySchedule)
    : new SqliteDeliveryStore(sqlitePath, redeliverySchedule, sqlite);
}

/** The process's delivery store, opened on first use. */
export function deliveryStore(): DeliveryStore {
  const { databaseUrl } = env();
  if (runtime.deliveryStore?.url !== databaseUrl) {
    runtime.deliveryStore = { url: databaseUrl, store: openDeliveryStore() };
  }
  return runtime.deliveryStore.store;
}

/** Closes the process's delivery store, if one is open (a worker shutting down, a test file ending). */
export async function closeDeliveryStore(): Promise<void> {
  const open = runtime.deliveryStore;
  runtime.deliveryStore = undefined;
  await open?.store.close();
}

/** The sender settings from the environment. */
export function sendSettings(): Omit<SendWebhookOptions, "url" | "body" | "secret"> {
  const config = env();
  return {
    connectTimeoutMs: config.webhookConnectTimeoutMs,
    dnsTimeoutMs: config.webhookDnsTimeoutMs,
    urlPolicy: config.webhookUrlPolicy,
    ...(config.webhookDnsServers.length > 0 ? { dnsServers: config.webhookDnsServers } : {}),
  };
}

/**
 * Starts this process's dispatcher (once). Its outcomes go to `outcomes` (a writer thread), or
 * to `store` itself.
 */
export function startDispatcher(store: DeliveryStore = deliveryStore(), outcomes?: OutcomeRecorder): Dispatcher {
  if (!runtime.dispatcher) {
    const config = env();
    runtime.dispatcher = new Dispatcher({
      store,
      outcomes,
      channelConcurrency: config.webhookChannelConcurrency,
      leaseMs: config.webhookLeaseMs,
      // A dead dispatcher's channels go to the others no later than its events' leases run out.
      channelLeaseMs: Math.min(DEFAULT_CHANNEL_LEASE_MS, config.webhookLeaseMs),
      send: sendSettings(),
    });
    runtime.dispatcher.start();
  }
  return runtime.dispatcher;
}

/** Stops this process's dispatcher after its sends in flight are recorded. */
export async function stopDispatcher(): Promise<void> {
  const dispatcher = runtime.dispatcher;
  runtime.dispatcher = undefined;
  await dispatcher?.stop();
}

/** Wakes this process's dispatcher, if it runs one, for a channel with new events. */
export function notifyDispatcher(channelId: string): void {
  runtime.dispatcher?.notify(channelId);
  for (const thread of runtime.dispatcherThreads ?? []) thread.notify(channelId);
}

/**
 * Runs this process's dispatchers on worker threads of their own (once), so that sends and their
 * database writes never hold up pages and API requests: WEBHOOK_DISPATCH_THREADS of them, which
 * share the busy channels like separate workers do. Each thread has its own database connection
 * and is started again if it ever dies.
 */
export function startDispatcherThreads(): void {
  runtime.dispatcherThreads ??= Array.from({ length: env().webhookDispatchThreads }, () => new DispatcherThread());
}

/**
 * Starts the thread that writes accepted events on SQLite (once), so that their insert, and its
 * wait for the disk, never holds up the thread that serves pages. PostgreSQL's inserts do not.
 * This thread's store is opened with it: it runs the checkpoint thread that every other
 * connection of the process leaves the checkpoints to.
 */
export function startEventWriterThread(): void {
  if (env().databaseKind !== "sqlite") return;
  deliveryStore();
  runtime.eventWriter ??= new EventWriterThread();
}

/**
 * Writes a batch of accepted events, all or none, with its retry key: on the event writer thread
 * when this process runs one, else through the delivery store. Null, or the batch an earlier
 * request with the same key stored.
 */
export function insertEvents(events: readonly NewEvent[], retryKey?: RetryKey): Promise<AcceptedBatch | null> {
  return runtime.eventWriter?.insert({ events, retryKey }) ?? deliveryStore().insertEvents(events, retryKey);
}

/** How long /metrics waits for a dispatcher thread's counts before leaving them out. */
const THREAD_METRICS_TIMEOUT_MS = 2000;

/** The counts of this process's dispatcher threads, those that answer within 2 s. */
export async function collectThreadMetrics(): Promise<MetricsSnapshot[]> {
  const snapshots = await Promise.all((runtime.dispatcherThreads ?? []).map((thread) => thread.metrics()));
  return snapshots.filter((snapshot): snapshot is MetricsSnapshot => snapshot !== null);
}

/**
 * The dispatcher thread's heap. Nearly all it allocates (request bodies, undici's requests,
 * outcomes) dies within milliseconds, so a young generation of 16 MB already lets little of it
 * live on; a larger one collects less often but is held as resident memory all along. The old
 * generation's ceiling, many times what the thread keeps (some 15 MB after a collection), is
 * what makes V8 collect before the heap has grown far past that: with its default ceiling, in
 * gigabytes on a machine with plenty of memory, the heap grew to 80 MB in bench:dispatch, and
 * with this one to 45 MB.
 */
const DISPATCHER_HEAP: ResourceLimits = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 256 };

/**
 * The event writer thread's heap: it holds a batch of rows at a time, cloned from the page thread,
 * written and dropped.
 */
const EVENT_WRITER_HEAP: ResourceLimits = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };

/** The entry of the dispatcher thread and of its outcome writer (see lib/delivery/thread.ts). */
export function dispatcherThreadEntry(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "scripts/dispatcher-thread.mjs");
}

/** A worker thread running `scripts/dispatcher-thread.mjs`, restarted a second after it dies. */
class DispatcherThread {
  private worker: Worker | undefined;
  private metricsRequests = 0;
  private readonly entry = dispatcherThreadEntry();

  constructor() {
    this.start();
  }

  notify(channelId: string): void {
    this.worker?.postMessage({ notify: channelId });
  }

  /** The thread's counts, or null when it is not running or does not answer in time. */
  metrics(): Promise<MetricsSnapshot | null> {
    const worker = this.worker;
    if (!worker) return Promise.resolve(null);
    const request = ++this.metricsRequests;
    return new Promise((resolve) => {
      const done = (snapshot: MetricsSnapshot | null) => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        resolve(snapshot);
      };
      const onMessage = (message: { metrics?: number; snapshot?: MetricsSnapshot }) => {
        if (message.metrics === request && message.snapshot) done(message.snapshot);
      };
      const timer = setTimeout(() => done(null), THREAD_METRICS_TIMEOUT_MS);
      worker.on("message", onMessage);
      worker.postMessage({ metrics: request });
    });
  }

  private start(): void {
    const worker = new Worker(this.entry, { resourceLimits: DISPATCHER_HEAP });
    // The thread never keeps the process alive on its own, like a timer that is unref'd.
    worker.unref();
    worker.on("error", (error) => logger().error({ component: "dispatcher thread", err: error }, "the thread failed"));
    worker.on("exit", (code) => {
      this.worker = undefined;
      logger().error({ component: "dispatcher thread", code }, "the thread exited; starting it again in 1 s");
      setTimeout(() => this.start(), 1000).unref();
    });
    this.worker = worker;
  }
}

type EventInsert = { events: readonly NewEvent[]; retryKey?: RetryKey };

/**
 * How many batches may wait for the event writer thread, about a second of its work. Each waits
 * as a copy in the thread's queue and as its request's body, so without a bound a burst of
 * clients would hold them all in memory; past it a request gets a quick 503 with nothing stored.
 */
const EVENT_WRITER_QUEUE_BATCHES = 32;

/**
 * A worker thread writing accepted events (`scripts/dispatcher-thread.mjs`, role "events"). If it
 * dies, its unanswered requests fail with a 503 and inserts run on this thread until it is back.
 * While EVENT_WRITER_QUEUE_BATCHES batches wait for it, another batch is refused with a 503.
 */
class EventWriterThread {
  private caller: PortCaller<EventInsert, AcceptedBatch | null> | undefined;

  constructor() {
    this.start();
  }

  /** The batch's insert on the thread, or undefined while the thread is down. */
  insert(batch: EventInsert): Promise<AcceptedBatch | null> | undefined {
    return this.caller?.call(batch);
  }

  private start(): void {
    const worker = new Worker(dispatcherThreadEntry(), { workerData: { role: "events" }, resourceLimits: EVENT_WRITER_HEAP });
    worker.unref();
    const caller = new PortCaller<EventInsert, AcceptedBatch | null>(worker, {
      waiting: EVENT_WRITER_QUEUE_BATCHES,
      refusal: () => new StorageUnavailableError(503, { key: "eventWriterBusy" }),
    });
    worker.on("error", (error) => logger().error({ component: "event writer thread", err: error }, "the thread failed"));
    worker.on("exit", (code) => {
      this.caller = undefined;
      // A batch may have been written just before the thread died: the client cannot know.
      caller.failWaiting(
        new StorageUnavailableError(503, { key: "eventWriterStopped" }),
      );
      logger().error({ component: "event writer thread", code }, "the thread exited; starting it again in 1 s");
      setTimeout(() => this.start(), 1000).unref();
    });
    this.caller = caller;
  }
}
