import { Worker } from "node:worker_threads";

/** How often the thread copies what the WAL holds back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 100;

// The thread, as plain CommonJS: it needs nothing of the app but better-sqlite3, which it finds
// from the app's directory. Another connection's checkpoint in progress (SQLITE_BUSY) only means
// this one waits for its next turn; any other error ends the thread. It stops on any message,
// closing its connection.
const THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");
const db = new Database(workerData.file, { timeout: 10000 });
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    if (error.code !== "SQLITE_BUSY") throw error;
  }
}, workerData.intervalMs);
parentPort.once("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

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
  private stopping = false;

  constructor(file: string, onFailure: (error: unknown) => void) {
    this.worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { file, intervalMs: CHECKPOINT_INTERVAL_MS } });
    // It never keeps the process alive on its own.
    this.worker.unref();
    let failure: unknown;
    this.worker.on("error", (error) => (failure = error));
    this.worker.on("exit", (code) => {
      if (!this.stopping) onFailure(failure ?? new Error(`the checkpoint thread exited with ${code}`));
    });
  }

  /** Stops the thread after its checkpoint in progress, if any. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const exited = new Promise((resolve) => this.worker.once("exit", resolve));
    this.worker.postMessage("stop");
    await exited;
  }
}
