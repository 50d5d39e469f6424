import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "./generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "./generated/prisma-pg/client";
import { env } from "./env";
import { isSqliteBusy } from "./errors";

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
  const adapter = new PrismaBetterSQLite3({ url: sqlitePath, timeout: 10_000 });
  return new PrismaClient({ adapter });
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
export async function transaction<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db().$transaction(work);
    } catch (error) {
      if (!isSqliteBusy(error) || attempt >= 8) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}

