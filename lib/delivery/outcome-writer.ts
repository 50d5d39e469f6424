import type { MessagePort } from "node:worker_threads";
import type { AttemptRecord, ClaimOptions, DeliveryStore, EventOutcome, NewEvent } from "./store";

/** A batch of outcomes for the writer thread, and its answer. */
type WriteRequest = { id: number; outcomes: readonly EventOutcome[]; now: number };
type WriteAnswer = { id: number; error?: string };

/**
 * A delivery store whose outcome batches are written by another thread (`serveOutcomeWrites` on
 * the port's other end), so that the dispatcher's thread goes on sending while SQLite writes.
 * Everything else runs on `store`, on the calling thread. Batches are written in the order sent.
 */
export class OutcomeWriterClient implements DeliveryStore {
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor(
    private readonly port: MessagePort,
    private readonly store: DeliveryStore,
  ) {
    port.on("message", ({ id, error }: WriteAnswer) => {
      const request = this.waiting.get(id);
      this.waiting.delete(id);
      if (error === undefined) request?.resolve();
      else request?.reject(new Error(error));
    });
    // Only a batch in flight keeps the thread alive.
    port.unref();
  }

  recordOutcomes(outcomes: readonly EventOutcome[], now: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { resolve, reject });
      this.port.postMessage({ id, outcomes, now } satisfies WriteRequest);
    });
  }

  insertEvents(events: readonly NewEvent[]) {
    return this.store.insertEvents(events);
  }
  channelsWithPendingEvents(now: number) {
    return this.store.channelsWithPendingEvents(now);
  }
  channel(channelId: string) {
    return this.store.channel(channelId);
  }
  claim(channelId: string, workerId: string, limit: number, now: number, leaseMs: number, options?: ClaimOptions) {
    return this.store.claim(channelId, workerId, limit, now, leaseMs, options);
  }
  release(seqs: readonly number[], workerId: string) {
    return this.store.release(seqs, workerId);
  }
  skipPending(channelId: string, now: number) {
    return this.store.skipPending(channelId, now);
  }
  recordCheck(attempt: AttemptRecord) {
    return this.store.recordCheck(attempt);
  }
  heartbeat(holder: string, now: number, aliveMs: number) {
    return this.store.heartbeat(holder, now, aliveMs);
  }
  acquireChannels(holder: string, channels: readonly string[], max: number, now: number, leaseMs: number) {
    return this.store.acquireChannels(holder, channels, max, now, leaseMs);
  }
  releaseChannels(holder: string, channels: readonly string[]) {
    return this.store.releaseChannels(holder, channels);
  }
  retireDispatcher(holder: string) {
    return this.store.retireDispatcher(holder);
  }
  close() {
    return this.store.close();
  }
}

/** The writer thread's side: writes each batch it is sent, in order, and answers how it went. */
export function serveOutcomeWrites(port: MessagePort, store: DeliveryStore): void {
  port.on("message", ({ id, outcomes, now }: WriteRequest) => {
    store.recordOutcomes(outcomes, now).then(
      () => port.postMessage({ id } satisfies WriteAnswer),
      (error: unknown) => port.postMessage({ id, error: String(error) } satisfies WriteAnswer),
    );
  });
}
