import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createScratchDatabase, dropScratchDatabase } from "../../scripts/db-check";
import { isPostgresRun, testPostgresUrl } from "../support/database";

export const ADMIN = { email: "admin@example.com", password: "admin-password-e2e" };
export const DEMO_CHANNEL = { id: "1656000000", secret: "8c570fa6dd201bb328f1c1eac23a96d8" };

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    admin: { email: string; password: string };
    demoChannel: { id: string; secret: string };
    /** The app's data directory and database, for tests that arrange data directly. */
    dataDir: string;
    databaseUrl: string;
  }
}

function freePort(): Promise<number> {
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

/**
 * Builds the app as a user would (unless E2E_BUILT=1 says this run already did), starts it on a
 * fresh database (a SQLite file, or with TEST_DATABASE=postgres a new PostgreSQL database), and
 * stops it and drops that database afterwards.
 */
export default async function setup(project: TestProject) {
  const root = path.resolve(import.meta.dirname, "../..");
  if (process.env.E2E_BUILT !== "1") {
    const build = spawnSync("npx", ["next", "build"], { cwd: root, stdio: "inherit", env: process.env });
    if (build.status !== 0) throw new Error("next build failed");
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), "console-e2e-"));
  const databaseUrl = isPostgresRun()
    ? await createScratchDatabase(testPostgresUrl(), "console_e2e")
    : `file:${path.join(dataDir, "console.db")}`;
  const dropDatabase = () => (isPostgresRun() ? dropScratchDatabase(databaseUrl) : Promise.resolve());
  let output = "";
  const app = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      DEMO_CHANNEL_ID: DEMO_CHANNEL.id,
      DEMO_CHANNEL_SECRET: DEMO_CHANNEL.secret,
      NEXTAUTH_URL: baseUrl,
      TZ: "America/Los_Angeles",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  app.stdout?.on("data", (chunk) => (output += chunk));
  app.stderr?.on("data", (chunk) => (output += chunk));
  try {
    await waitFor(`${baseUrl}/login`, app, () => output);
  } catch (error) {
    await stopApp(app);
    await dropDatabase();
    throw error;
  }

  project.provide("baseUrl", baseUrl);
  project.provide("admin", ADMIN);
  project.provide("demoChannel", DEMO_CHANNEL);
  project.provide("dataDir", dataDir);
  project.provide("databaseUrl", databaseUrl);

  return async () => {
    await stopApp(app);
    // The app's own output, for when a journey fails for a reason only the server saw.
    const logDir = path.join(root, "test-results");
    mkdirSync(logDir, { recursive: true });
    writeFileSync(path.join(logDir, `e2e-app-${isPostgresRun() ? "postgres" : "sqlite"}.log`), output);
    await dropDatabase();
  };
}
