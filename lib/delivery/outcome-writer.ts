import type { MessagePort } from "node:worker_threads";
import type { EventOutcome, OutcomeRecorder } from "./store";

/** A batch of outcomes for the writer thread, and its answer. */
type WriteRequest = { id: number; outcomes: readonly EventOutcome[]; now: number };
type WriteAnswer = { id: number; error?: string };

/**
 * Writes outcome batches on another thread (`serveOutcomeWrites` on the port's other end), so
 * that the dispatcher's thread goes on sending while SQLite writes. Batches are written in the
 * order sent.
 */
export class OutcomeWriterClient implements OutcomeRecorder {
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor(private readonly port: MessagePort) {
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
}

/** The writer thread's side: writes each batch it is sent, in order, and answers how it went. */
export function serveOutcomeWrites(port: MessagePort, store: OutcomeRecorder): void {
  port.on("message", ({ id, outcomes, now }: WriteRequest) => {
    store.recordOutcomes(outcomes, now).then(
      () => port.postMessage({ id } satisfies WriteAnswer),
      (error: unknown) => port.postMessage({ id, error: String(error) } satisfies WriteAnswer),
    );
  });
}
