import Database from "better-sqlite3";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const MIGRATIONS_DIR = path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "sqlite", "migrations");

/**
 * Applies every committed migration not yet applied to the SQLite file, each in its own
 * transaction, and records it. Safe to call at every start; returns the names it applied.
 */
export function migrateSqlite(file: string, dir = MIGRATIONS_DIR): string[] {
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file, { timeout: 10_000 });
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.exec(
      `CREATE TABLE IF NOT EXISTS "_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)`,
    );
    const done = new Set(
      sqlite.prepare(`SELECT "name" FROM "_migrations"`).pluck().all() as string[],
    );
    const pending = readdirSync(dir)
      .filter((name) => name.endsWith(".sql") && !done.has(name))
      .sort();
    const record = sqlite.prepare(`INSERT INTO "_migrations" ("name", "appliedAt") VALUES (?, ?)`);
    for (const name of pending) {
      const sql = readFileSync(path.join(dir, name), "utf8");
      // BEGIN IMMEDIATE: two processes starting together must not both apply the same file.
      sqlite.transaction(() => {
        const already = sqlite.prepare(`SELECT 1 FROM "_migrations" WHERE "name" = ?`).get(name);
        if (already) return;
        sqlite.exec(sql);
        record.run(name, new Date().toISOString());
      }).immediate();
    }
    return pending;
  } finally {
    sqlite.close();
  }
}
