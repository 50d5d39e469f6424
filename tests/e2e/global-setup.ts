import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startConsoleApp } from "../support/app-server";
import { isPostgresRun } from "../support/database";

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

  const app = await startConsoleApp({
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    DEMO_CHANNEL_ID: DEMO_CHANNEL.id,
    DEMO_CHANNEL_SECRET: DEMO_CHANNEL.secret,
    TZ: "America/Los_Angeles",
  });

  project.provide("baseUrl", app.baseUrl);
  project.provide("admin", ADMIN);
  project.provide("demoChannel", DEMO_CHANNEL);
  project.provide("dataDir", app.dataDir);
  project.provide("databaseUrl", app.databaseUrl);

  return async () => {
    const output = app.output();
    await app.stop();
    // The app's own output, for when a journey fails for a reason only the server saw.
    const logDir = path.join(root, "test-results");
    mkdirSync(logDir, { recursive: true });
    writeFileSync(path.join(logDir, `e2e-app-${isPostgresRun() ? "postgres" : "sqlite"}.log`), output);
  };
}
