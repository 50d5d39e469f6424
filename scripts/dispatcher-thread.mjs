// The entry of the app's dispatcher thread (DISPATCHER=app), and of the thread that writes its
// outcomes on SQLite (lib/delivery/thread.ts tells them apart by workerData).
import { runBundled } from "./run-bundled.mjs";

await runBundled("lib/delivery/thread.ts", "dispatcher-thread");
