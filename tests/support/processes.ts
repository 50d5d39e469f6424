import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * Starts `scripts/worker.ts` as a real process on this test file's database, with extra settings.
 * It runs under `node --import tsx`, not the tsx wrapper, so a signal reaches the worker itself.
 */
export function startWorker(env: Record<string, string>, started: ChildProcess[], output?: number): ChildProcess {
  const worker = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: output === undefined ? "ignore" : ["ignore", output, output],
  });
  started.push(worker);
  return worker;
}

/** Kills a process with SIGKILL and waits until it is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}
