import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";

// Kept on globalThis so that Next's separately bundled server parts and hot reloads share one
// client; keyed by URL so a process that switches databases (the tests) gets a new one.
const globalForDb = globalThis as unknown as { prisma?: { url: string; client: PrismaClient } };

function createClient(): PrismaClient {
  const { sqlitePath, databaseKind } = env();
  if (databaseKind !== "sqlite") {
    throw new Error("DATABASE_URL points at PostgreSQL, which this build does not support yet.");
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
