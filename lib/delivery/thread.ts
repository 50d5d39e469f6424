// The app's dispatcher thread (see startDispatcherThreads): a dispatcher with its own database
// connection, woken by the app's thread when a channel gets new events. On SQLite it starts a
// second thread, from the same entry with the role "writer", that writes its outcomes. The same
// entry with the role "events" is the app's event writer (see startEventWriterThread).
import { setPriority } from "node:os";
import { MessageChannel, parentPort, Worker, workerData, type MessagePort, type ResourceLimits } from "node:worker_threads";
import { env } from "../env";
import { snapshotThreadMetrics } from "../operations/metrics";
import { OutcomeWriterClient, serveOutcomeWrites } from "./outcome-writer";
import { answerCalls } from "./port-calls";
import type { NewEvent, RetryKey } from "./store";
import { deliveryStore, dispatcherThreadEntry, notifyDispatcher, openDeliveryStore, startDispatcher } from "./runtime";
import { logger } from "../log";

type ThreadData = { role: "writer"; port: MessagePort } | { role: "events" } | undefined;

/**
 * The outcome writer thread's heap: it allocates a batch at a time, written and dropped (see
 * DISPATCHER_HEAP in ./runtime.ts for why the old generation has a ceiling).
 */
const WRITER_HEAP: ResourceLimits = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };

/**
 * Lowers this thread's scheduling priority to WEBHOOK_DISPATCH_NICE, so that when the machine's
 * cores are all busy the thread that serves pages and accepts events goes first. Linux keeps a
 * nice value per thread, and `setPriority(0, …)` changes the calling thread's alone; elsewhere it
 * would change the whole process's, so there it is left as it is.
 */
function yieldToPages(): void {
  const nice = env().webhookDispatchNice;
  if (process.platform !== "linux" || nice === 0) return;
  try {
    setPriority(0, nice);
  } catch (error) {
    logger().warn({ component: "dispatcher thread", err: error }, "cannot lower the thread's priority");
  }
}

if (!parentPort) throw new Error("lib/delivery/thread.ts runs only as the app's dispatcher thread");
const data = workerData as ThreadData;
if (data?.role !== "events") yieldToPages();
if (data?.role === "writer") {
  // The dispatcher thread's store checkpoints the file for both.
  serveOutcomeWrites(data.port, openDeliveryStore(undefined, { checkpoints: "elsewhere" }));
} else if (data?.role === "events") {
  // The app thread's own store, which reads the channel of every batch first, checkpoints the file.
  const store = openDeliveryStore(undefined, { checkpoints: "elsewhere" });
  answerCalls(parentPort, ({ events, retryKey }: { events: readonly NewEvent[]; retryKey?: RetryKey }) => store.insertEvents(events, retryKey));
} else {
  // On SQLite the app thread's store checkpoints the file for every connection of the process.
  const isSqlite = env().databaseKind === "sqlite";
  startDispatcher(isSqlite ? openDeliveryStore(undefined, { checkpoints: "elsewhere" }) : deliveryStore(), isSqlite ? outcomeWriter() : undefined);
  const port = parentPort;
  port.on("message", (message: { notify?: string; metrics?: number }) => {
    if (typeof message.notify === "string") notifyDispatcher(message.notify);
    if (typeof message.metrics === "number") {
      const request = message.metrics;
      void snapshotThreadMetrics().then((snapshot) => port.postMessage({ metrics: request, snapshot }));
    }
  });
}

/** Outcome batches written on a writer thread. */
function outcomeWriter(): OutcomeWriterClient {
  const { port1, port2 } = new MessageChannel();
  const writer = new Worker(dispatcherThreadEntry(), {
    workerData: { role: "writer", port: port2 } satisfies ThreadData,
    transferList: [port2],
    resourceLimits: WRITER_HEAP,
  });
  writer.on("error", (error) => logger().error({ component: "outcome writer thread", err: error }, "the thread failed"));
  // Without its writer the dispatcher would hold every outcome: this thread ends too, and the
  // app starts both again. Events whose outcomes were not written are sent again.
  writer.on("exit", (code) => {
    logger().error({ component: "outcome writer thread", code }, "the thread exited; the dispatcher thread ends too");
    process.exit(1);
  });
  return new OutcomeWriterClient(port1);
}
