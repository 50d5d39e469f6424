/** The last time written, and its text: a batch's rows mostly share their times. */
let last: { ms: number; text: string } = { ms: NaN, text: "" };

/**
 * Times in SQLite are ISO-8601 text in the exact form Prisma's adapter writes
 * (`2026-11-23T18:30:36.139+00:00`), so that raw SQL and Prisma compare them alike.
 */
export function sqliteTime(ms: number | Date): string {
  const time = typeof ms === "number" ? ms : ms.getTime();
  if (time === last.ms) return last.text;
  const text = `${new Date(time).toISOString().slice(0, -1)}+00:00`;
  last = { ms: time, text };
  return text;
}
