import type { Locale } from "./i18n/locales";

/** LINE shows every date and time in UTC+9, whatever the server's or the browser's time zone. */
const UTC9_OFFSET_MS = 9 * 60 * 60 * 1000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** `YYYY-MM-DD HH:mm:ss` in UTC+9; in Japanese the date is written `YYYY/MM/DD`, as Japanese readers expect. */
export function formatUtc9(date: Date, locale: Locale = "en"): string {
  const d = new Date(date.getTime() + UTC9_OFFSET_MS);
  const sep = locale === "ja" ? "/" : "-";
  return (
    `${d.getUTCFullYear()}${sep}${pad(d.getUTCMonth() + 1)}${sep}${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** A delay as a number and its unit (10 s, 2 min, 1 h), for a sentence of the catalogue to word. */
export function delayParts(ms: number): { n: number; unit: "h" | "min" | "s" | "ms" } {
  if (ms % 3_600_000 === 0) return { n: ms / 3_600_000, unit: "h" };
  if (ms % 60_000 === 0) return { n: ms / 60_000, unit: "min" };
  if (ms % 1000 === 0) return { n: ms / 1000, unit: "s" };
  return { n: ms, unit: "ms" };
}
