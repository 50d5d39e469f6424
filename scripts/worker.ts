// A dispatcher on its own, for deployments that run the app with DISPATCHER=off and as many
// workers as they need: `npm run worker`.
import { createServer } from "node:http";
import { startDispatcher, stopDispatcher } from "../lib/delivery/runtime";
import { canReadMetrics, renderThreadMetrics } from "../lib/operations/metrics";
import { env } from "../lib/env";
import { migrateDatabase } from "../lib/migrate";
import { redactUrl } from "./db-check";
import { logger } from "../lib/log";

const config = env();
await migrateDatabase();
const dispatcher = startDispatcher();
(await import("../lib/notify/notifier")).startNotifier();
(await import("../lib/retention/pruner")).startPruner();
logger().info({ workerId: dispatcher.workerId, database: redactUrl(config.databaseUrl) }, "dispatching webhooks");

// The worker's own sends; the console-wide figures (backlog, email queue) are on the app's /metrics.
if (config.workerMetricsPort > 0) {
  createServer((req, res) => {
    if (req.url !== "/metrics" || req.method !== "GET") return void res.writeHead(404).end();
    if (!canReadMetrics(req.headers.authorization ?? null)) return void res.writeHead(401).end();
    void renderThreadMetrics().then(({ contentType, text }) => res.writeHead(200, { "Content-Type": contentType }).end(text));
  }).listen(config.workerMetricsPort);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger().info({ workerId: dispatcher.workerId, signal }, "stopping: finishing sends in flight");
  await stopDispatcher();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
