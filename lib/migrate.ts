import Database from "better-sqlite3";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { DATA_DIR_MODE, env } from "./env";

const MIGRATIONS_ROOT = path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma");
const SQLITE_MIGRATIONS = path.join(MIGRATIONS_ROOT, "sqlite", "migrations");
const POSTGRES_MIGRATIONS = path.join(MIGRATIONS_ROOT, "postgres", "migrations");

/** The committed migration files of a directory, in the order they apply. */
function migrationFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort();
}

/**
 * The SQLite file holds channel secrets in clear, so it is made readable by its owner only; SQLite
 * gives its -wal and -shm files the database file's permissions.
 */
const SQLITE_FILE_MODE = 0o600;

/** Makes the SQLite file's folder and an empty file, private to this user, unless they exist. */
function createPrivateFile(file: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: DATA_DIR_MODE });
  // "a" creates the file with this mode when it is missing and leaves an existing one as it is.
  closeSync(openSync(file, "a", SQLITE_FILE_MODE));
}

/**
 * Applies every committed migration not yet applied to the SQLite file, each in its own
 * transaction, and records it. Safe to call at every start; returns the names it applied.
 */
export function migrateSqlite(file: string, dir = SQLITE_MIGRATIONS): string[] {
  if (file !== ":memory:") createPrivateFile(file);
  const sqlite = new Database(file, { timeout: 10_000 });
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.exec(
      `CREATE TABLE IF NOT EXISTS "_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TEXT NOT NULL)`,
    );
    const done = new Set(
      sqlite.prepare(`SELECT "name" FROM "_migrations"`).pluck().all() as string[],
    );
    const pending = migrationFiles(dir).filter((name) => !done.has(name));
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

/** Any fixed number: every process that migrates takes the same advisory lock. */
const MIGRATION_LOCK = 7_461_001;

/**
 * The PostgreSQL twin of `migrateSqlite`: each pending file in its own transaction, recorded in
 * `_migrations`, under an advisory lock so that app and worker processes starting together apply
 * each file once.
 */
export async function migratePostgres(url: string, dir = POSTGRES_MIGRATIONS): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS "_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" TIMESTAMPTZ NOT NULL)`,
    );
    const { rows } = await client.query<{ name: string }>(`SELECT "name" FROM "_migrations"`);
    const done = new Set(rows.map((r) => r.name));
    const pending = migrationFiles(dir).filter((name) => !done.has(name));
    for (const name of pending) {
      const sql = readFileSync(path.join(dir, name), "utf8");
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query(`INSERT INTO "_migrations" ("name", "appliedAt") VALUES ($1, now())`, [name]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return pending;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
}

/** The committed migrations of a kind of database, in the order they apply. */
export function committedMigrations(kind: "sqlite" | "postgres"): string[] {
  return migrationFiles(kind === "postgres" ? POSTGRES_MIGRATIONS : SQLITE_MIGRATIONS);
}

/** Brings the configured database (SQLite file or PostgreSQL) up to the committed migrations. */
export async function migrateDatabase(): Promise<string[]> {
  const config = env();
  return config.databaseKind === "postgres"
    ? migratePostgres(config.databaseUrl)
    : migrateSqlite(config.sqlitePath);
}
