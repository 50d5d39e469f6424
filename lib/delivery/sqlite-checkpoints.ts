import path from "node:path";
import { Worker } from "node:worker_threads";
import type { CheckpointThreadData } from "./checkpoint-thread";

/** How often the thread copies what the WAL holds back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 100;

/** The entry of the checkpoint thread (see lib/delivery/checkpoint-thread.ts). */
function checkpointThreadEntry(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "scripts/checkpoint-thread.mjs");
}

/**
 * Checkpoints a SQLite file in WAL mode from a thread of its own. A connection that leaves
 * checkpoints to it (`wal_autocheckpoint = 0`) commits without ever copying pages back into the
 * database file and waiting for the disk: about a third of a delivery's write time, which
 * otherwise falls on whichever commit crosses SQLite's threshold.
 *
 * `onFailure` runs if the thread dies; its connection should then checkpoint for itself again.
 */
export class CheckpointThread {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private stopping = false;

  constructor(file: string, onFailure: (error: unknown) => void) {
    this.worker = new Worker(checkpointThreadEntry(), {
      workerData: { file, intervalMs: CHECKPOINT_INTERVAL_MS } satisfies CheckpointThreadData,
      // It allocates next to nothing: a pragma's result every 100 ms.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 32 },
    });
    // While it runs, it never keeps the process alive on its own.
    this.worker.unref();
    let failure: unknown;
    this.worker.on("error", (error) => (failure = error));
    this.exited = new Promise((resolve) => {
      this.worker.once("exit", (code) => {
        if (!this.stopping) onFailure(failure ?? new Error(`the checkpoint thread exited with ${code}`));
        resolve();
      });
    });
  }

  /** Stops the thread after its checkpoint in progress, if any; resolves once it has exited. */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      // The thread may be all that is left to keep the process alive, and a process that awaits
      // the stop must not end before the stop does.
      this.worker.ref();
      this.worker.postMessage("stop");
    }
    await this.exited;
  }
}
