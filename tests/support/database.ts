import { DEFAULT_POSTGRES_URL } from "../../scripts/db-check";

/** Whether the tests run on PostgreSQL (`TEST_DATABASE=postgres`) rather than on SQLite files. */
export function isPostgresRun(): boolean {
  return process.env.TEST_DATABASE === "postgres";
}

/** The PostgreSQL server the tests make their databases on. */
export function testPostgresUrl(): string {
  return process.env.TEST_POSTGRES_URL || DEFAULT_POSTGRES_URL;
}
