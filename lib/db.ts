import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "./generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "./generated/prisma-pg/client";
import { env } from "./env";
import { isSqliteBusy } from "./errors";

/**
 * How long a statement of this process's Prisma client keeps asking for SQLite's write lock while
 * another connection holds it. It asks again between tries rather than in SQLite's own busy wait,
 * which sleeps on the thread that serves every page.
 */
export const SQLITE_LOCK_WAIT_MS = 5_000;

// Kept on globalThis so that Next's separately bundled server parts and hot reloads share one
// client; keyed by URL so a process that switches databases (the tests) gets a new one.
const globalForDb = globalThis as unknown as { prisma?: { url: string; client: PrismaClient } };

function createClient(): PrismaClient {
  const { sqlitePath, databaseKind, databaseUrl } = env();
  if (databaseKind === "postgres") {
    // Both clients come from one model file (prisma/postgres/schema.prisma is derived from the
    // SQLite one and checked by `npm run db:check`), so they have the same models and types.
    const adapter = new PrismaPg({ connectionString: databaseUrl, max: 10 });
    return new PostgresPrismaClient({ adapter }) as unknown as PrismaClient;
  }
  const adapter = new PrismaBetterSQLite3({ url: sqlitePath, timeout: 0 });
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => askingAgainWhenLocked(await connect());
  return new PrismaClient({ adapter });
}

type SqliteConnection = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type SqliteQuery = Parameters<SqliteConnection["queryRaw"]>[0];

/**
 * The connection, with its statements outside transactions tried again while SQLite answers that
 * another connection holds the write lock. A statement inside a transaction is not: the whole
 * transaction is, by `transaction`, as its reads may be stale by then.
 */
function askingAgainWhenLocked(connection: SqliteConnection): SqliteConnection {
  const queryRaw = connection.queryRaw.bind(connection);
  const executeRaw = connection.executeRaw.bind(connection);
  return Object.assign(connection, {
    queryRaw: (query: SqliteQuery) => whileLocked(() => queryRaw(query)),
    executeRaw: (query: SqliteQuery) => whileLocked(() => executeRaw(query)),
  });
}

/** Runs `work`, and again after a short pause each time SQLite is busy, for up to SQLITE_LOCK_WAIT_MS. */
async function whileLocked<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isSqliteBusy(error) || Date.now() >= deadline) throw error;
      await pause(attempt);
    }
  }
}

/** A pause that grows from about 2 ms to about 50 ms, jittered so that waiting writers spread out. */
function pause(attempt: number): Promise<void> {
  const ms = Math.min(50, 2 * 2 ** attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The one Prisma client of the process. */
export function db(): PrismaClient {
  const url = env().databaseUrl;
  if (globalForDb.prisma?.url !== url) globalForDb.prisma = { url, client: createClient() };
  return globalForDb.prisma.client;
}

/**
 * Runs an interactive transaction, and runs it again when SQLite refuses its write because another
 * process wrote after the transaction's first read ("database is locked": a deferred transaction
 * cannot wait for that lock). Nothing is half-written: the refused attempt rolled back.
 */
export function transaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return whileLocked(() => db().$transaction(work));
}

