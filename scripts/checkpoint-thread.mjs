// The entry of a SQLite delivery store's checkpoint thread (lib/delivery/checkpoint-thread.ts).
import { runBundled } from "./run-bundled.mjs";

await runBundled("lib/delivery/checkpoint-thread.ts", "checkpoint-thread");
