// The checkpoint thread of a SQLite delivery store (see CheckpointThread): its own connection to
// the file, checkpointing every `intervalMs` until the store sends it any message. It needs
// nothing of the app but better-sqlite3.
import Database from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";

/** What the store hands its checkpoint thread. */
export type CheckpointThreadData = { file: string; intervalMs: number };

if (!parentPort) throw new Error("lib/delivery/checkpoint-thread.ts runs only as a delivery store's checkpoint thread");
const port = parentPort;
const { file, intervalMs } = workerData as CheckpointThreadData;
const db = new Database(file, { timeout: 10_000 });
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    // Another connection's checkpoint in progress only means this one waits for its next turn;
    // any other error ends the thread, and the store checkpoints for itself again.
    if (!(error instanceof Database.SqliteError && error.code === "SQLITE_BUSY")) throw error;
  }
}, intervalMs);
port.once("message", () => {
  clearInterval(timer);
  db.close();
  port.close();
});
