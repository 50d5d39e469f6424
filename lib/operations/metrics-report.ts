import "server-only";
import { AggregatorRegistry, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { collectThreadMetrics } from "../delivery/runtime";
import { getDeliveryState, getEmailQueue } from "./delivery-state";
import { METRIC_PREFIX, snapshotThreadMetrics } from "./metrics";

// The process's own figures (memory, CPU, event loop lag), gathered on the request thread only.
const holder = globalThis as unknown as { processRegistry?: Registry };

function processRegistry(): Registry {
  if (!holder.processRegistry) {
    holder.processRegistry = new Registry();
    collectDefaultMetrics({ register: holder.processRegistry, prefix: METRIC_PREFIX });
  }
  return holder.processRegistry;
}

/** What the database says of the whole console, whichever process sends: the same on every app. */
async function databaseRegistry(now: number): Promise<Registry> {
  const [delivery, emails] = await Promise.all([getDeliveryState(now), getEmailQueue()]);
  const registry = new Registry();
  const gauge = (name: string, help: string, value: number) =>
    new Gauge({ name: `${METRIC_PREFIX}${name}`, help, registers: [registry] }).set(value);
  gauge("backlog_events", "Events waiting for their first send or being sent, in the database.", delivery.backlog);
  gauge(
    "oldest_pending_age_seconds",
    "How long ago the oldest event of the backlog was accepted; 0 without a backlog.",
    delivery.oldestPendingAt === null ? 0 : Math.max(0, (now - delivery.oldestPendingAt.getTime()) / 1000),
  );
  gauge("redelivery_queue_events", "Events waiting for a scheduled redelivery.", delivery.redeliveries);
  gauge("dispatchers_alive", "Dispatchers (app threads and worker processes) with a fresh heartbeat.", delivery.dispatchersAlive);
  gauge("emails_queued", "Notification emails not sent yet that will be tried again.", emails.queued);
  gauge("emails_failed", "Notification emails whose every try failed.", emails.failed);
  return registry;
}

/**
 * The Prometheus text of /metrics: this process's counts added up over its request thread and
 * its dispatcher threads, and the console-wide figures read from the database.
 */
export async function renderMetrics(now: number = Date.now()): Promise<{ contentType: string; text: string }> {
  const [own, threads, fromDatabase] = await Promise.all([snapshotThreadMetrics(), collectThreadMetrics(), databaseRegistry(now)]);
  // Each part names its own metrics, so their texts simply follow one another.
  const parts = [AggregatorRegistry.aggregate([own, ...threads]), fromDatabase, processRegistry()];
  const texts = await Promise.all(parts.map((registry) => registry.metrics()));
  return { contentType: fromDatabase.contentType, text: texts.join("\n") };
}
