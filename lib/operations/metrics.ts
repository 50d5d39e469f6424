import { timingSafeEqual } from "node:crypto";
import { AggregatorRegistry, Counter, Histogram, Registry, type MetricObjectWithValues, type MetricValue } from "prom-client";
import type { AttemptRecord, NewEvent } from "../delivery/store";
import { env } from "../env";

/** Every metric's name starts with this. */
export const METRIC_PREFIX = "line_console_";

/**
 * What one thread counts itself: the app's request thread counts the events it accepts, a
 * dispatcher (thread or worker process) its sends, a pruner the rows it deletes. The app's
 * /metrics adds up its own threads' counts.
 */
type ThreadMetrics = {
  registry: Registry;
  eventsAccepted: Counter<"origin">;
  sends: Counter<"reason">;
  sendDuration: Histogram<"reason">;
  pruned: Counter<"table">;
};

// On globalThis: Next bundles route handlers and instrumentation separately, and a thread's
// counts must be one set.
const holder = globalThis as unknown as { consoleMetrics?: ThreadMetrics };

function threadMetrics(): ThreadMetrics {
  if (holder.consoleMetrics) return holder.consoleMetrics;
  const registry = new Registry();
  holder.consoleMetrics = {
    registry,
    eventsAccepted: new Counter({
      name: `${METRIC_PREFIX}events_accepted_total`,
      help: "Webhook events accepted (written before the 202), by origin: api, simulator or load.",
      labelNames: ["origin"],
      registers: [registry],
    }),
    sends: new Counter({
      name: `${METRIC_PREFIX}webhook_sends_total`,
      help: 'Sends of events to bot servers, by outcome reason: "ok", "refused" (the URL policy) or LINE\'s reason.',
      labelNames: ["reason"],
      registers: [registry],
    }),
    sendDuration: new Histogram({
      name: `${METRIC_PREFIX}webhook_send_duration_seconds`,
      help: "How long sends of events to bot servers took, by outcome reason.",
      labelNames: ["reason"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    pruned: new Counter({
      name: `${METRIC_PREFIX}pruned_rows_total`,
      help: "Rows deleted by pruning because they were older than their retention, by table.",
      labelNames: ["table"],
      registers: [registry],
    }),
  };
  return holder.consoleMetrics;
}

/** Counts events written for delivery. */
export function countAcceptedEvents(origin: NewEvent["origin"], count: number): void {
  threadMetrics().eventsAccepted.inc({ origin }, count);
}

/** Counts one finished send of an event, with its duration. */
export function countSend(attempt: AttemptRecord): void {
  const reason = attempt.failure?.reason ?? (attempt.refusal === undefined ? "ok" : "refused");
  const metrics = threadMetrics();
  metrics.sends.inc({ reason });
  metrics.sendDuration.observe({ reason }, attempt.durationMs / 1000);
}

/** Counts rows pruning deleted from a table. */
export function countPruned(table: string, count: number): void {
  if (count > 0) threadMetrics().pruned.inc({ table }, count);
}

/** This thread's counts, in the form prom-client adds up across threads. */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/** This thread's counts as they are now. */
export function snapshotThreadMetrics(): Promise<MetricsSnapshot> {
  return threadMetrics().registry.getMetricsAsJSON();
}

/** This thread's counts as Prometheus text, for a worker process's own /metrics. */
export async function renderThreadMetrics(): Promise<{ contentType: string; text: string }> {
  const registry = AggregatorRegistry.aggregate([await snapshotThreadMetrics()]);
  return { contentType: registry.contentType, text: await registry.metrics() };
}

/** Whether a request may read /metrics: always while METRICS_TOKEN is unset, else with it as its bearer token. */
export function canReadMetrics(authorization: string | null): boolean {
  const expected = env().metricsToken;
  if (expected === undefined) return true;
  const given = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
