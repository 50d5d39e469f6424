// A dispatcher on its own, for deployments that run the app with DISPATCHER=off and as many
// workers as they need: `npm run worker`.
import { startDispatcher, stopDispatcher } from "../lib/delivery/runtime";
import { env } from "../lib/env";
import { migrateDatabase } from "../lib/migrate";
import { redactUrl } from "./db-check";

const config = env();
await migrateDatabase();
const dispatcher = startDispatcher();
(await import("../lib/notify/notifier")).startNotifier();
console.log(`worker ${dispatcher.workerId}: dispatching webhooks from ${redactUrl(config.databaseUrl)}`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`worker ${dispatcher.workerId}: ${signal}, finishing sends in flight…`);
  await stopDispatcher();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
