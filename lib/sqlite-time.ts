/**
 * Times in SQLite are ISO-8601 text in the exact form Prisma's adapter writes
 * (`2026-11-23T18:30:36.139+00:00`), so that raw SQL and Prisma compare them alike.
 */
export function sqliteTime(ms: number | Date): string {
  const date = typeof ms === "number" ? new Date(ms) : ms;
  return date.toISOString().replace("Z", "+00:00");
}
