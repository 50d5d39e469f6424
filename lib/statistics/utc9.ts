/**
 * UTC+9 by offset arithmetic. LINE shows every time in UTC+9 whatever the server's or the
 * browser's zone, and UTC+9 has no daylight saving, so shifting the epoch by nine hours and
 * reading the UTC fields is exact; nothing here ever reads the process's local zone.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const UTC9_OFFSET_MS = 9 * HOUR_MS;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function shifted(ms: number): Date {
  return new Date(ms + UTC9_OFFSET_MS);
}

/** `YYYY-MM-DD`: the UTC+9 date of an instant. */
export function formatUtc9Date(ms: number): string {
  const d = shifted(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `HH:mm:ss`: the UTC+9 time of day of an instant. */
export function formatUtc9Time(ms: number): string {
  // Plain arithmetic rather than a Date: the TSV download formats two times per row.
  const t = (((ms + UTC9_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return `${pad(Math.floor(t / HOUR_MS))}:${pad(Math.floor((t % HOUR_MS) / MINUTE_MS))}:${pad(Math.floor((t % MINUTE_MS) / 1000))}`;
}

/** `YYYY-MM-DD HH:mm` in UTC+9, for range summaries. */
export function formatUtc9Minute(ms: number): string {
  return `${formatUtc9Date(ms)} ${formatUtc9Time(ms).slice(0, 5)}`;
}

/** `YYYY-MM-DDTHH:mm` in UTC+9: the value of a `datetime-local` input and of the URL's `from`/`to`. */
export function formatUtc9Input(ms: number): string {
  return `${formatUtc9Date(ms)}T${formatUtc9Time(ms).slice(0, 5)}`;
}

const INPUT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Reads `YYYY-MM-DDTHH:mm` (seconds optional) as a UTC+9 wall-clock time; null when it is not
 * one, including dates that do not exist such as `2026-02-30`.
 */
export function parseUtc9Input(text: string): number | null {
  const match = INPUT_PATTERN.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second = 0] = match.slice(1).map((part) => Number(part ?? 0));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 2026-02-30 over into March; a real date survives the round trip.
  if (new Date(utc).getUTCDate() !== day) return null;
  return utc - UTC9_OFFSET_MS;
}

/** The first millisecond of the UTC+9 day holding `ms`. */
export function startOfUtc9Day(ms: number): number {
  return Math.floor((ms + UTC9_OFFSET_MS) / DAY_MS) * DAY_MS - UTC9_OFFSET_MS;
}
