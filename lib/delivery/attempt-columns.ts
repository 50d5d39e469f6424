import type { AttemptRecord } from "./store";

/**
 * The attempt log's columns, once, with the kind of value each holds. Each store binds them in
 * this order (positional binding is the fastest) and converts values by kind, never by position.
 */
type AttemptColumn =
  | { name: string; kind: "boolean"; value: (a: AttemptRecord) => boolean }
  | { name: string; kind: "time"; value: (a: AttemptRecord) => number }
  | { name: string; kind: "text"; value: (a: AttemptRecord) => string | null }
  | { name: string; kind: "real" | "integer"; value: (a: AttemptRecord) => number | null };

export const ATTEMPT_COLUMNS = [
  { name: "channelId", kind: "text", value: (a) => a.channelId },
  { name: "webhookEventId", kind: "text", value: (a) => a.webhookEventId },
  { name: "kind", kind: "text", value: (a) => a.kind },
  { name: "isRedelivery", kind: "boolean", value: (a) => a.isRedelivery },
  { name: "url", kind: "text", value: (a) => a.url },
  { name: "startedAt", kind: "time", value: (a) => a.startedAt },
  { name: "durationMs", kind: "real", value: (a) => a.durationMs },
  { name: "dnsMs", kind: "real", value: (a) => a.dnsMs ?? null },
  { name: "connectMs", kind: "real", value: (a) => a.connectMs ?? null },
  { name: "tlsMs", kind: "real", value: (a) => a.tlsMs ?? null },
  { name: "firstByteMs", kind: "real", value: (a) => a.firstByteMs ?? null },
  { name: "httpVersion", kind: "text", value: (a) => a.httpVersion ?? null },
  { name: "success", kind: "boolean", value: (a) => a.failure === null && a.refusal === undefined },
  { name: "statusCode", kind: "integer", value: (a) => a.statusCode ?? null },
  { name: "reason", kind: "text", value: (a) => a.failure?.reason ?? null },
  // A refusal has no reason of LINE's: its row is a failure with no reason, its sentence the detail.
  { name: "detail", kind: "text", value: (a) => a.failure?.detail ?? a.refusal ?? null },
  { name: "requestExcerpt", kind: "text", value: (a) => a.requestExcerpt },
  { name: "responseExcerpt", kind: "text", value: (a) => a.responseExcerpt ?? null },
  { name: "eventType", kind: "text", value: (a) => a.eventType ?? null },
  { name: "requestHeaders", kind: "text", value: (a) => a.requestHeaders ?? null },
  { name: "responseHeaders", kind: "text", value: (a) => a.responseHeaders ?? null },
  { name: "responseBytes", kind: "integer", value: (a) => a.responseBytes ?? null },
  { name: "remoteAddress", kind: "text", value: (a) => a.remoteAddress ?? null },
  { name: "isEdited", kind: "boolean", value: (a) => a.isEdited === true },
  { name: "sourceUserId", kind: "text", value: (a) => a.sourceUserId ?? null },
  { name: "sourceGroupId", kind: "text", value: (a) => a.sourceGroupId ?? null },
] as const satisfies readonly AttemptColumn[];

/** `"channelId", "webhookEventId", …` in the columns' order, for an INSERT's column list. */
export const ATTEMPT_COLUMN_LIST = ATTEMPT_COLUMNS.map((c) => `"${c.name}"`).join(", ");

/** How a store writes booleans and times; other kinds are bound as they are. */
export type ValueWriters = { boolean: (value: boolean) => unknown; time: (ms: number) => unknown };

/** A function giving an attempt's values in the columns' order, written the store's way. */
export function attemptValues(writers: ValueWriters): (attempt: AttemptRecord) => unknown[] {
  const columns: readonly AttemptColumn[] = ATTEMPT_COLUMNS;
  const converters = columns.map((column): ((a: AttemptRecord) => unknown) => {
    if (column.kind === "boolean") return (a) => writers.boolean(column.value(a));
    if (column.kind === "time") return (a) => writers.time(column.value(a));
    return column.value;
  });
  return (attempt) => converters.map((convert) => convert(attempt));
}
