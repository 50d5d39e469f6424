// A dispatcher on its own, for deployments that run the app with DISPATCHER=off and as many
// workers as they need: `npm run worker`.
import { createServer } from "node:http";
import { startDispatcher, stopDispatcher } from "../lib/delivery/runtime";
import { canReadMetrics, renderThreadMetrics } from "../lib/operations/metrics";
import { env } from "../lib/env";
import { migrateDatabase } from "../lib/migrate";
import { redactUrl } from "./db-check";
import { storageFailure } from "../lib/errors";
import { logger } from "../lib/log";

// As the app's server does, a promise a database error rejected with nobody waiting on it is
// logged, not fatal: every piece of work here is retried on its own (polls, flushes, leases).
process.on("unhandledRejection", (reason) => logger().error({ component: "worker", err: reason }, "a promise failed with nobody waiting on it"));

const config = env();
// A worker may start while the database is restarting: it waits for it rather than exit.
for (let pause = 500; ; pause = Math.min(pause * 2, 10_000)) {
  try {
    await migrateDatabase();
    break;
  } catch (error) {
    if (storageFailure(error)?.status !== 503) throw error;
    logger().warn({ component: "worker", err: error }, `the database cannot be reached; trying again in ${pause / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
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
