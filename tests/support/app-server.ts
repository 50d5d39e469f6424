import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createScratchDatabase, dropScratchDatabase } from "../../scripts/db-check";
import { isPostgresRun, testPostgresUrl } from "./database";

const ROOT = path.resolve(import.meta.dirname, "../..");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, app: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (app.exitCode !== null) throw new Error(`The app exited with ${app.exitCode}:\n${log()}`);
    try {
      const res = await fetch(url, { redirect: "manual" });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The app did not answer at ${url} within 60 s:\n${log()}`);
}

/** Stops the app's whole process group and waits until the app is gone. */
async function stopApp(app: ChildProcess): Promise<void> {
  if (!app.pid || app.exitCode !== null || app.signalCode !== null) return;
  const exited = new Promise((resolve) => app.once("exit", resolve));
  process.kill(-app.pid, "SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
}

export type ConsoleApp = {
  baseUrl: string;
  dataDir: string;
  databaseUrl: string;
  /** Everything the app printed so far. */
  output: () => string;
  /** Kills the app's whole process group at once (SIGKILL), as a crash or an OOM kill would, and waits until it is gone. */
  kill: () => Promise<void>;
  /** Stops the app, and drops its database unless it was given one. */
  stop: () => Promise<void>;
};

/** The data of an app started earlier, for a new app to start on (a restart). */
export type ConsoleData = { dataDir: string; databaseUrl: string };

/**
 * Starts the built console (`next start`) on a free loopback port with `env` on top of this
 * process's environment: on `data` (a restart), or on a fresh data folder and a fresh database (a
 * SQLite file, or with TEST_DATABASE=postgres a new PostgreSQL database).
 */
export async function startConsoleApp(env: Record<string, string> = {}, data?: ConsoleData): Promise<ConsoleApp> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = data?.dataDir ?? mkdtempSync(path.join(tmpdir(), "console-app-"));
  const databaseUrl =
    data?.databaseUrl ??
    (isPostgresRun() ? await createScratchDatabase(testPostgresUrl(), "console_e2e") : `file:${path.join(dataDir, "console.db")}`);
  const dropDatabase = () => (!data && isPostgresRun() ? dropScratchDatabase(databaseUrl) : Promise.resolve());
  let output = "";
  const app = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl, NEXTAUTH_URL: baseUrl, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  app.stdout?.on("data", (chunk) => (output += chunk));
  app.stderr?.on("data", (chunk) => (output += chunk));
  const stop = async () => {
    await stopApp(app);
    await dropDatabase();
  };
  const kill = async () => {
    if (!app.pid || app.exitCode !== null || app.signalCode !== null) return;
    const exited = new Promise((resolve) => app.once("exit", resolve));
    process.kill(-app.pid, "SIGKILL");
    await exited;
  };
  try {
    await waitFor(`${baseUrl}/login`, app, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, dataDir, databaseUrl, output: () => output, kill, stop };
}
