// The schema files and the committed migrations must describe the same database. `npm run db:check`:
//   1. prisma/postgres/schema.prisma is the one derived from prisma/sqlite/schema.prisma;
//   2. SQLite: the committed migrations, applied to an empty file, give the tables, columns,
//      indexes and foreign keys that `prisma migrate diff` writes for the schema, plus the
//      partial indexes of partial-indexes.sql, which a Prisma schema cannot declare;
//   3. PostgreSQL: the same, on two scratch databases (TEST_POSTGRES_URL). Skipped when no server
//      answers, except in CI.
// It exits non-zero and prints what differs when they drift apart.
import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { migratePostgres, migrateSqlite } from "../lib/migrate";

const root = path.resolve(import.meta.dirname, "..");

/** Where the tests and this check make their scratch databases, unless TEST_POSTGRES_URL says otherwise. */
export const DEFAULT_POSTGRES_URL = "postgresql://postgres:postgres@localhost:5432/postgres";

/**
 * A database's structure as sorted lines, one per table, column, index and constraint, so that two
 * databases compare line by line. The migrations' own bookkeeping table is left out.
 */
export type Catalog = string[];

const BOOKKEEPING = "_migrations";

function squash(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** The catalog of an open SQLite database. */
export function sqliteCatalog(sqlite: Database.Database): Catalog {
  const lines: string[] = [];
  const tables = sqlite
    .prepare(`SELECT "name", "sql" FROM "sqlite_master" WHERE "type" = 'table' AND "name" NOT LIKE 'sqlite_%' AND "name" <> ?`)
    .all(BOOKKEEPING) as { name: string; sql: string }[];
  for (const { name: table, sql: definition } of tables) {
    // AUTOINCREMENT (ids never reused) shows nowhere but in the table's definition.
    lines.push(`table ${table}${/\bAUTOINCREMENT\b/i.test(definition) ? " AUTOINCREMENT" : ""}`);
    const columns = sqlite.prepare(`SELECT * FROM pragma_table_info(?)`).all(table) as {
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }[];
    for (const c of columns) {
      const parts = [c.type.toUpperCase() || "(no type)"];
      if (c.notnull) parts.push("NOT NULL");
      if (c.dflt_value !== null) parts.push(`DEFAULT ${squash(c.dflt_value)}`);
      if (c.pk) parts.push(`PRIMARY KEY #${c.pk}`);
      lines.push(`column ${table}.${c.name}: ${parts.join(" ")}`);
    }
    const indexes = sqlite.prepare(`SELECT * FROM pragma_index_list(?)`).all(table) as {
      name: string;
      unique: number;
      origin: string;
      partial: number;
    }[];
    for (const index of indexes) {
      // The primary key's own index is described by its columns above.
      if (index.origin === "pk") continue;
      const keys = sqlite.prepare(`SELECT * FROM pragma_index_xinfo(?) WHERE "key" = 1 ORDER BY "seqno"`).all(index.name) as {
        name: string | null;
        desc: number;
      }[];
      const columnList = keys.map((k) => `${k.name ?? "(expression)"}${k.desc ? " DESC" : ""}`).join(", ");
      // An inline UNIQUE constraint's index has a generated name: compare it by what it covers.
      const name = index.origin === "u" ? "(UNIQUE constraint)" : index.name;
      let line = `index ${name} ON ${table} (${columnList})${index.unique ? " UNIQUE" : ""}`;
      if (index.partial) {
        const sql = sqlite.prepare(`SELECT "sql" FROM "sqlite_master" WHERE "type" = 'index' AND "name" = ?`).pluck().get(index.name) as string;
        line += ` WHERE ${squash(sql.replace(/^[\s\S]*?\bWHERE\b/i, ""))}`;
      }
      lines.push(line);
    }
    const keys = sqlite.prepare(`SELECT * FROM pragma_foreign_key_list(?) ORDER BY "id", "seq"`).all(table) as {
      id: number;
      table: string;
      from: string;
      to: string | null;
      on_update: string;
      on_delete: string;
    }[];
    for (const id of new Set(keys.map((k) => k.id))) {
      const parts = keys.filter((k) => k.id === id);
      const { table: target, on_delete, on_update } = parts[0];
      lines.push(
        `foreign key ${table} (${parts.map((k) => k.from).join(", ")}) REFERENCES ${target} (${parts.map((k) => k.to ?? "(its primary key)").join(", ")}) ON DELETE ${on_delete} ON UPDATE ${on_update}`,
      );
    }
  }
  return lines.sort();
}

/** The catalog of the `public` schema of a PostgreSQL database. */
export async function postgresCatalog(url: string): Promise<Catalog> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const lines: string[] = [];
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> $1`,
      [BOOKKEEPING],
    );
    for (const { table_name } of tables.rows) lines.push(`table ${table_name}`);

    const columns = await client.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      character_maximum_length: number | null;
      datetime_precision: number | null;
      is_nullable: string;
      column_default: string | null;
      is_identity: string;
    }>(
      `SELECT table_name, column_name, data_type, character_maximum_length, datetime_precision, is_nullable,
              column_default, is_identity
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> $1`,
      [BOOKKEEPING],
    );
    for (const c of columns.rows) {
      let type = c.data_type;
      if (c.character_maximum_length !== null) type += `(${c.character_maximum_length})`;
      if (c.datetime_precision !== null && /^time/.test(c.data_type)) type += ` precision ${c.datetime_precision}`;
      const parts = [type];
      if (c.is_nullable === "NO") parts.push("NOT NULL");
      if (c.column_default !== null) parts.push(`DEFAULT ${c.column_default}`);
      if (c.is_identity === "YES") parts.push("IDENTITY");
      lines.push(`column ${c.table_name}.${c.column_name}: ${parts.join(" ")}`);
    }

    const indexes = await client.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> $1`,
      [BOOKKEEPING],
    );
    for (const { indexdef } of indexes.rows) lines.push(`index ${indexdef}`);

    // Primary keys, unique and check constraints, foreign keys with their actions.
    const constraints = await client.query<{ table_name: string; conname: string; definition: string }>(
      `SELECT cl.relname AS table_name, co.conname, pg_get_constraintdef(co.oid) AS definition
       FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid
       WHERE co.connamespace = 'public'::regnamespace AND cl.relname <> $1`,
      [BOOKKEEPING],
    );
    for (const c of constraints.rows) lines.push(`constraint ${c.table_name}.${c.conname}: ${c.definition}`);
    return lines.sort();
  } finally {
    await client.end();
  }
}

/** What a catalog line is about (a column, an index, a key), whatever it says of it. */
function subjectOf(line: string): string {
  const index = line.match(/^index (?:CREATE (?:UNIQUE )?INDEX )?("[^"]+"|\S+)/);
  if (index) return `index ${index[1].replace(/"/g, "")}`;
  const colon = line.indexOf(":");
  if (colon >= 0) return line.slice(0, colon);
  const references = line.indexOf(" REFERENCES ");
  return references >= 0 ? line.slice(0, references) : line;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What differs between the catalog the migrations make and the one the schema declares, as
 * readable lines ("- …" only after the migrations, "+ …" only from the schema); empty when none.
 */
export function compareCatalogs(migrated: Catalog, declared: Catalog): string[] {
  const inMigrated = new Set(migrated);
  const inDeclared = new Set(declared);
  const extra = migrated.filter((line) => !inDeclared.has(line)).map((line) => ({ line, mark: "-" }));
  const missing = declared.filter((line) => !inMigrated.has(line)).map((line) => ({ line, mark: "+" }));
  // By subject, so that a column or index that changed shows its two versions one above the other.
  return [...extra, ...missing]
    .sort(
      (a, b) =>
        compareText(subjectOf(a.line), subjectOf(b.line)) || compareText(b.mark, a.mark) || compareText(a.line, b.line),
    )
    .map(({ line, mark }) => `${mark} ${line}`);
}

/** The SQL that makes a schema from nothing, as `prisma migrate diff` writes it. */
export function schemaScript(schema: string, databaseUrl: string): string {
  const result = spawnSync(
    path.join(root, "node_modules", ".bin", "prisma"),
    ["migrate", "diff", "--from-empty", "--to-schema-datamodel", schema, "--script"],
    // prisma.config.ts picks the driver adapter from DATABASE_URL.
    { cwd: root, encoding: "utf8", env: { ...process.env, DATABASE_URL: databaseUrl } },
  );
  if (result.status !== 0) {
    throw new Error(`prisma migrate diff for ${schema} failed:\n${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

/** What the schema of `kind` declares: `prisma migrate diff`'s script, then partial-indexes.sql. */
export function declaredScript(kind: "sqlite" | "postgres", databaseUrl: string): string {
  const partial = readFileSync(path.join(root, "prisma", kind, "partial-indexes.sql"), "utf8");
  return `${schemaScript(`prisma/${kind}/schema.prisma`, databaseUrl)}\n${partial}`;
}

/** Differences between the SQLite migrations and prisma/sqlite/schema.prisma; empty when none. */
export function checkSqlite(): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), "console-db-check-"));
  try {
    const migratedFile = path.join(dir, "migrated.db");
    migrateSqlite(migratedFile, path.join(root, "prisma", "sqlite", "migrations"));
    const script = declaredScript("sqlite", `file:${path.join(dir, "prisma.db")}`);
    const migrated = new Database(migratedFile);
    const declared = new Database(path.join(dir, "declared.db"));
    try {
      declared.exec(script);
      return compareCatalogs(sqliteCatalog(migrated), sqliteCatalog(declared));
    } finally {
      migrated.close();
      declared.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The server for scratch databases: TEST_POSTGRES_URL, else a PostgreSQL DATABASE_URL, else the local default. */
export function postgresServerUrl(): string {
  const { TEST_POSTGRES_URL, DATABASE_URL } = process.env;
  if (TEST_POSTGRES_URL) return TEST_POSTGRES_URL;
  if (DATABASE_URL && /^postgres(ql)?:\/\//.test(DATABASE_URL)) return DATABASE_URL;
  return DEFAULT_POSTGRES_URL;
}

/** A URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/** Whether a PostgreSQL server answers at `url` within a few seconds. */
export async function isPostgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates an empty database named `<prefix>_<pid>_<random>` on the server; returns its URL. */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<string> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a scratch database, ending whatever connections still use it. */
export async function dropScratchDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  // Connect to the server's maintenance database: a database cannot drop itself.
  target.pathname = "/postgres";
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Runs a script of several statements on a database. */
async function runScript(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Differences between the PostgreSQL migrations and prisma/postgres/schema.prisma; empty when none. */
export async function checkPostgres(serverUrl: string): Promise<string[]> {
  const migratedUrl = await createScratchDatabase(serverUrl, "console_check");
  const declaredUrl = await createScratchDatabase(serverUrl, "console_check");
  try {
    await migratePostgres(migratedUrl, path.join(root, "prisma", "postgres", "migrations"));
    await runScript(declaredUrl, declaredScript("postgres", declaredUrl));
    return compareCatalogs(await postgresCatalog(migratedUrl), await postgresCatalog(declaredUrl));
  } finally {
    await dropScratchDatabase(migratedUrl);
    await dropScratchDatabase(declaredUrl);
  }
}

/** Prints the outcome of one comparison; returns whether the two agreed. */
function report(kind: string, migrations: string, schema: string, differences: string[]): boolean {
  if (differences.length === 0) {
    console.log(`${kind}: ${migrations} give the database ${schema} declares.`);
    return true;
  }
  console.error(`${kind}: ${migrations} and ${schema} have drifted apart`);
  console.error(`  (- only after the migrations, + only from the schema):`);
  for (const line of differences) console.error(`  ${line}`);
  console.error(`  Write a migration that makes up the difference, or fix the schema.`);
  return false;
}

async function main(): Promise<number> {
  let ok = true;
  const derived = spawnSync(process.execPath, ["scripts/db-schemas.mjs", "--check"], { cwd: root, stdio: "inherit" });
  ok = derived.status === 0 && ok;

  ok = report("SQLite", "prisma/sqlite/migrations/*.sql", "prisma/sqlite/schema.prisma", checkSqlite()) && ok;

  const serverUrl = postgresServerUrl();
  if (await isPostgresReachable(serverUrl)) {
    const differences = await checkPostgres(serverUrl);
    ok = report("PostgreSQL", "prisma/postgres/migrations/*.sql", "prisma/postgres/schema.prisma", differences) && ok;
  } else if (process.env.CI) {
    console.error(`PostgreSQL: no server answers at ${redactUrl(serverUrl)}; CI must check both databases.`);
    ok = false;
  } else {
    console.log(`PostgreSQL: skipped: no PostgreSQL at ${redactUrl(serverUrl)} (set TEST_POSTGRES_URL to check it).`);
  }
  return ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main();
}
