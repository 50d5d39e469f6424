import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { migratePostgres, migrateSqlite } from "@/lib/migrate";
import { createScratchDatabase, dropScratchDatabase } from "../../scripts/db-check";
import { isPostgresRun, testPostgresUrl } from "../support/database";

// Every test file gets its own real database, migrated exactly as at start-up: a SQLite file, or,
// with TEST_DATABASE=postgres, a new database on TEST_POSTGRES_URL's server, dropped afterwards.
const dir = mkdtempSync(path.join(tmpdir(), "console-test-"));
process.env.DATA_DIR = dir;
if (isPostgresRun()) {
  const url = await createScratchDatabase(testPostgresUrl(), "console_test");
  process.env.DATABASE_URL = url;
  await migratePostgres(url);
  // Registered before the file's own hooks, so it runs after them (hooks unwind as a stack).
  afterAll(async () => {
    const { db } = await import("@/lib/db");
    await db().$disconnect();
    await (await import("@/lib/delivery/runtime")).closeDeliveryStore();
    // FORCE ends what the file's delivery stores still hold open.
    await dropScratchDatabase(url);
  });
} else {
  const file = path.join(dir, "console.db");
  process.env.DATABASE_URL = `file:${file}`;
  migrateSqlite(file);
}
