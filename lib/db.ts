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
type SqliteTransaction = Awaited<ReturnType<SqliteConnection["startTransaction"]>>;
type SqliteQuery = Parameters<SqliteConnection["queryRaw"]>[0];

/**
 * The connection, made safe to share between the interactive transactions and the single
 * statements of a whole process, and patient while another connection holds SQLite's write lock.
 *
 * The adapter runs everything on one SQLite connection: a statement sent while a transaction is
 * open would run inside it, see its uncommitted rows, and be undone by its rollback. So a
 * statement outside transactions first waits for the open one to end.
 *
 * Every transaction takes the write lock as it begins (BEGIN IMMEDIATE), so that no other
 * connection can write between its reads and its writes: a deferred transaction whose snapshot
 * went stale could only fail, Prisma's own implicit ones included, which nothing would run again.
 * Its statements then never wait for the lock. A statement outside transactions, or a
 * transaction's BEGIN, refused because another connection holds the lock is tried again, as
 * SQLite's own busy wait would, but without sleeping the thread that serves every page.
 */
function askingAgainWhenLocked(connection: SqliteConnection): SqliteConnection {
  const queryRaw = connection.queryRaw.bind(connection);
  const executeRaw = connection.executeRaw.bind(connection);
  const startTransaction = connection.startTransaction.bind(connection);
  let open: Promise<void> | undefined;
  const afterOpenTransaction = async () => {
    while (open) await open;
  };
  return Object.assign(connection, {
    queryRaw: async (query: SqliteQuery) => {
      await afterOpenTransaction();
      return whileLocked(() => queryRaw(query));
    },
    executeRaw: async (query: SqliteQuery) => {
      await afterOpenTransaction();
      return whileLocked(() => executeRaw(query));
    },
    startTransaction: async (...level: Parameters<SqliteConnection["startTransaction"]>) => {
      // The adapter lets one transaction at a time past this point.
      const transaction = await startTransaction(...level);
      try {
        // The adapter began it deferred, and nothing has run in it yet: begin it again immediate.
        await transaction.executeRaw(statement("ROLLBACK"));
        await whileLocked(() => transaction.executeRaw(statement("BEGIN IMMEDIATE")));
      } catch (error) {
        // No transaction is open now; this only lets the next one begin.
        await transaction.rollback();
        throw error;
      }
      let ended = () => {};
      const running = new Promise<void>((resolve) => (ended = resolve));
      open = running;
      const end = () => {
        if (open === running) open = undefined;
        ended();
      };
      return endingWith(transaction, end);
    },
  });
}

function statement(sql: string): SqliteQuery {
  return { sql, args: [], argTypes: [] };
}

/** `transaction`, with `end` called once it is committed or rolled back. */
function endingWith(transaction: SqliteTransaction, end: () => void): SqliteTransaction {
  const commit = transaction.commit.bind(transaction);
  const rollback = transaction.rollback.bind(transaction);
  return Object.assign(transaction, {
    commit: () => commit().finally(end),
    rollback: () => rollback().finally(end),
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
 * Runs an interactive transaction. On SQLite it holds the write lock from its start, so it runs
 * once: no other connection writes between its reads and its writes. Beginning it may wait for
 * another connection's lock for up to SQLITE_LOCK_WAIT_MS, longer than Prisma's default 2 s.
 */
export function transaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return db().$transaction(work, { maxWait: 2 * SQLITE_LOCK_WAIT_MS });
}
