// Scratch PostgreSQL databases for the benches: made empty on the server, dropped afterwards.
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server benches make their databases on: BENCH_POSTGRES_URL, or the local one. */
export function benchPostgresUrl(): string {
  return process.env.BENCH_POSTGRES_URL || "postgresql://postgres:postgres@localhost:5432/postgres";
}

export type ScratchDatabase = {
  name: string;
  url: string;
  /** Drops the database, ending whatever connections are still open on it. */
  drop(): Promise<void>;
};

/** Runs one statement on the server's own database (CREATE and DROP DATABASE cannot run in the target). */
async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: benchPostgresUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database named after `prefix`; the caller drops it. */
export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(3).toString("hex")}`;
  await onServer(`CREATE DATABASE "${name}"`);
  const url = new URL(benchPostgresUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
