import { z } from "zod";
import { DETAILS, isFixedDetail, isReason, REASONS, type Reason } from "../webhook/reasons";
import { bucketStartOf, chooseBucketUnit, type BucketUnit } from "./buckets";
import { DAY_MS, formatUtc9Input, MINUTE_MS, parseUtc9Input } from "./utc9";

/** The ranges one click away; each has the bucket size that suits it. */
export const RANGE_PRESETS = {
  "24h": { spanMs: DAY_MS, unit: "hour" },
  "7d": { spanMs: 7 * DAY_MS, unit: "hour" },
  "30d": { spanMs: 30 * DAY_MS, unit: "day" },
} as const satisfies Record<string, { spanMs: number; unit: BucketUnit }>;

export type RangePreset = keyof typeof RANGE_PRESETS;

export const DEFAULT_PRESET: RangePreset = "24h";

/** The last instant a Date can hold: a time in a link beyond it names no time at all. */
export const LATEST_TIME_MS = 8.64e15;

/**
 * The earliest year a custom range may name. Years written with leading zeros (0000–0099) would
 * otherwise be read as 1900–1999, and no error is older than the epoch.
 */
const EARLIEST_YEAR = 1970;

/** A custom range may cover up to a year (a leap year included), a bar a day. */
export const MAX_CUSTOM_RANGE_MS = 366 * DAY_MS;

/** The range a view shows, resolved against the time of the request. */
export type ResolvedRange = {
  preset: RangePreset | "custom";
  /** Rows with a window in `[from, to)` belong to the view. */
  from: number;
  to: number;
  /** Where the chart stops: `to`, or now when `to` is later (the future is not "not aggregated"). */
  chartEnd: number;
  unit: BucketUnit;
  /** Whether the range reaches now, so new errors may still arrive in it. */
  isLive: boolean;
};

/**
 * Where a page of rows starts: the last row of the page before it (keyset pagination), by the
 * rows' order: window, last detection, reason, detail.
 */
export type RowCursor = { windowStart: number; lastAt: number; reason: string; detail: string };

export type RowPage = { direction: "older" | "newer"; cursor: RowCursor };

/** Everything the Webhook errors tab's URL says: the range, the filters and the page of rows. */
export type WebhookErrorsQuery = {
  range: ResolvedRange;
  reason: Reason | null;
  detail: string | null;
  page: RowPage | null;
};

export type ParsedWebhookErrorsQuery = { ok: true; query: WebhookErrorsQuery } | { ok: false; problems: string[] };

/** The search params as Next.js hands them to a page, or as a route handler reads them. */
export type SearchParamsInput = URLSearchParams | Record<string, string | string[] | undefined>;

const KNOWN_PARAMS = ["range", "from", "to", "reason", "detail", "before", "after"] as const;

const STATUS_CODE = /^[1-9]\d{2}$/;

/** The reason a detail belongs to: its row in the table, or `error_status_code` for a status code. */
export function reasonOfDetail(detail: string): Reason | null {
  if (isFixedDetail(detail)) return DETAILS[detail].reason;
  return STATUS_CODE.test(detail) ? "error_status_code" : null;
}

const timeSchema = z.number().int().nonnegative().max(LATEST_TIME_MS);
const cursorSchema = z.tuple([timeSchema, timeSchema, z.string().max(100), z.string().max(200)]);

/** A row's position as an opaque, URL-safe token. */
export function encodeCursor(cursor: RowCursor): string {
  return Buffer.from(JSON.stringify([cursor.windowStart, cursor.lastAt, cursor.reason, cursor.detail])).toString("base64url");
}

/** The position a token names, or null when the token was not made by encodeCursor. */
export function decodeCursor(token: string): RowCursor | null {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
    if (!parsed.success) return null;
    const [windowStart, lastAt, reason, detail] = parsed.data;
    return { windowStart, lastAt, reason, detail };
  } catch {
    return null;
  }
}

const paramsSchema = z.object({
  range: z
    .enum(["24h", "7d", "30d", "custom"], {
      error: 'The range must be "24h" (last 24 hours), "7d" (last 7 days), "30d" (last 30 days) or "custom".',
    })
    .default(DEFAULT_PRESET),
  from: z.string().optional(),
  to: z.string().optional(),
  reason: z
    .string()
    .refine(isReason, {
      error: (issue) => `"${String(issue.input)}" is not a reason. The reasons are ${Object.keys(REASONS).join(", ")}.`,
    })
    .optional(),
  detail: z
    .string()
    .max(100, { error: "The detail is too long." })
    .refine((d) => reasonOfDetail(d) !== null, {
      error: (issue) =>
        `"${String(issue.input)}" is not a detail of any reason: use a detail from the list, or an HTTP status code such as 500.`,
    })
    .optional(),
  before: z.string().optional(),
  after: z.string().optional(),
});

/** Reads the raw params: blanks (a form's "All") count as absent, a repeated param is a mistake. */
function normalise(input: SearchParamsInput): { values: Record<string, string>; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const key of KNOWN_PARAMS) {
    const raw = input instanceof URLSearchParams ? input.getAll(key) : [input[key] ?? []].flat();
    if (raw.length > 1) problems.push(`"${key}" is given more than once.`);
    const value = raw[0]?.trim();
    if (value) values[key] = value;
  }
  return { values, problems };
}

function resolveCustomRange(from: string | undefined, to: string | undefined, now: number, problems: string[]): ResolvedRange | null {
  if (!from || !to) {
    problems.push("A custom range needs both a start and an end, as YYYY-MM-DDTHH:mm in UTC+9.");
    return null;
  }
  const fromMs = parseUtc9Input(from);
  const toMs = parseUtc9Input(to);
  if (fromMs === null) problems.push(`The start "${from}" is not a date and time of the form YYYY-MM-DDTHH:mm (UTC+9).`);
  if (toMs === null) problems.push(`The end "${to}" is not a date and time of the form YYYY-MM-DDTHH:mm (UTC+9).`);
  if (fromMs === null || toMs === null) return null;
  const tooEarly = (text: string) => Number(text.slice(0, 4)) < EARLIEST_YEAR;
  if (tooEarly(from)) problems.push(`The start "${from}" is before ${EARLIEST_YEAR}: no errors are that old.`);
  if (tooEarly(to)) problems.push(`The end "${to}" is before ${EARLIEST_YEAR}: no errors are that old.`);
  if (problems.length > 0) return null;
  if (toMs <= fromMs) problems.push("The end of the range must be after its start.");
  else if (toMs - fromMs > MAX_CUSTOM_RANGE_MS) problems.push("A custom range can be at most 366 days long.");
  else if (fromMs >= now) problems.push("The range starts in the future: no errors can be there yet.");
  if (problems.length > 0) return null;
  const chartEnd = Math.min(toMs, now);
  return { preset: "custom", from: fromMs, to: toMs, chartEnd, unit: chooseBucketUnit(toMs - fromMs), isLive: toMs >= now };
}

/** A preset range ends now and starts on a bucket edge, so that no bar is cut short. */
export function resolvePreset(preset: RangePreset, now: number): ResolvedRange {
  const { spanMs, unit } = RANGE_PRESETS[preset];
  return { preset, from: bucketStartOf(now - spanMs, unit), to: now, chartEnd: now, unit, isLive: true };
}

/**
 * Reads the tab's URL: `range` (24h, 7d, 30d or custom with `from` and `to` in UTC+9), `reason`,
 * `detail`, and `before`/`after` for the page of rows. Every mistake comes back as a sentence for
 * the user; nothing throws.
 */
export function parseWebhookErrorsSearch(input: SearchParamsInput, now: number = Date.now()): ParsedWebhookErrorsQuery {
  const { values, problems } = normalise(input);
  const parsed = paramsSchema.safeParse(values);
  if (!parsed.success) return { ok: false, problems: [...problems, ...parsed.error.issues.map((i) => i.message)] };
  const p = parsed.data;
  const range = p.range === "custom" ? resolveCustomRange(p.from, p.to, now, problems) : resolvePreset(p.range, now);
  const reason = p.reason && isReason(p.reason) ? p.reason : null;
  const detail = p.detail ?? null;
  if (reason && detail && reasonOfDetail(detail) !== reason) {
    problems.push(`The detail "${detail}" belongs to ${reasonOfDetail(detail)}, not to ${reason}.`);
  }
  if (p.before && p.after) problems.push('A page of rows is either "before" or "after" a row, not both.');
  const token = p.before ?? p.after;
  const cursor = token ? decodeCursor(token) : null;
  if (token && !cursor) problems.push("The page of rows in this link is not valid. Start again from the newest rows.");
  if (problems.length > 0 || !range) return { ok: false, problems };
  const page: RowPage | null = cursor ? { direction: p.before ? "older" : "newer", cursor } : null;
  return { ok: true, query: { range, reason, detail, page } };
}

/**
 * The search string (`?range=…`) for a view: the same range and filters, with `changes` applied.
 * A preset stays relative ("last 24 hours" means the last 24 hours whenever the link is opened); a
 * custom range is written out in UTC+9.
 */
export function webhookErrorsSearch(
  query: Pick<WebhookErrorsQuery, "range" | "reason" | "detail">,
  changes: { reason?: Reason | null; detail?: string | null; page?: RowPage | null } = {},
): string {
  const params = new URLSearchParams();
  params.set("range", query.range.preset);
  if (query.range.preset === "custom") {
    params.set("from", formatUtc9Input(query.range.from));
    params.set("to", formatUtc9Input(query.range.to));
  }
  const reason = changes.reason !== undefined ? changes.reason : query.reason;
  const detail = changes.detail !== undefined ? changes.detail : query.detail;
  if (reason) params.set("reason", reason);
  if (detail) params.set("detail", detail);
  if (changes.page) params.set(changes.page.direction === "older" ? "before" : "after", encodeCursor(changes.page.cursor));
  return `?${params.toString()}`;
}

/**
 * The search string for the TSV download of a view: its range written out (a preset's end rounded
 * up to the minute, so the current minute's rows are in), so the file holds what the page showed.
 */
export function tsvSearch(query: Pick<WebhookErrorsQuery, "range" | "reason" | "detail">): string {
  const to = Math.ceil(query.range.to / MINUTE_MS) * MINUTE_MS;
  return webhookErrorsSearch({ ...query, range: { ...query.range, preset: "custom", to } });
}
