// Runs on the app's dispatcher thread (see startDispatcherThreads): a dispatcher with its own
// database connection, woken by the app's thread when a channel gets new events.
import { parentPort } from "node:worker_threads";
import { notifyDispatcher, startDispatcher } from "./runtime";

if (!parentPort) throw new Error("lib/delivery/thread.ts runs only as the app's dispatcher thread");
startDispatcher();
parentPort.on("message", (message: { notify?: string }) => {
  if (typeof message.notify === "string") notifyDispatcher(message.notify);
});
