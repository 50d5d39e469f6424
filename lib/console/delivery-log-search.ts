import { isReason, REASONS, type Reason } from "../webhook/reasons";
import { reasonOfDetail, type SearchParamsInput } from "../statistics/search-params";
import { formatUtc9Date, formatUtc9Time, parseUtc9Input } from "../statistics/utc9";

/** The event types LINE sends to a bot (docs/line-behaviour.md), for the type filter. */
export const EVENT_TYPES = [
  "message",
  "messageEdited",
  "unsend",
  "follow",
  "unfollow",
  "join",
  "leave",
  "memberJoined",
  "memberLeft",
  "postback",
  "videoPlayComplete",
  "beacon",
  "accountLink",
  "things",
  "membership",
  "module",
  "activated",
  "deactivated",
  "botSuspended",
  "botResumed",
] as const;

export const ATTEMPT_KINDS = ["event", "verify", "test"] as const;
export type AttemptKind = (typeof ATTEMPT_KINDS)[number];

/** A payload filter: the value at a path of the request body, such as `events.0.message.text:hello`. */
export type PayloadFilter = { path: string[]; value: string };

/** What the Delivery log is narrowed to; every field is optional and they combine (AND). */
export type DeliveryLogFilter = {
  webhookEventId: string | null;
  eventType: string | null;
  /** A user (`U…`), group (`C…`) or room (`R…`) ID the event came from. */
  source: string | null;
  outcome: "success" | "failure" | null;
  reason: Reason | null;
  detail: string | null;
  statusCode: number | null;
  kind: AttemptKind | null;
  send: "first" | "redelivery" | null;
  /** Sends started in `[from, to)`, epoch ms. */
  from: number | null;
  to: number | null;
  payload: PayloadFilter | null;
};

/** Where a page of sends starts: older than (`before`) or newer than (`after`) a send's ID. */
export type DeliveryLogPage = { direction: "older" | "newer"; id: number };

export type DeliveryLogQuery = { filter: DeliveryLogFilter; page: DeliveryLogPage | null };

export type ParsedDeliveryLogSearch =
  | { ok: true; query: DeliveryLogQuery; problems: [] }
  /** `query` is what could be read: a bad page only sends the reader back to the newest sends. */
  | { ok: false; query: DeliveryLogQuery | null; problems: string[] };

export const NO_FILTER: DeliveryLogFilter = {
  webhookEventId: null,
  eventType: null,
  source: null,
  outcome: null,
  reason: null,
  detail: null,
  statusCode: null,
  kind: null,
  send: null,
  from: null,
  to: null,
  payload: null,
};

const FILTER_PARAMS = ["webhookEventId", "type", "source", "outcome", "reason", "detail", "status", "kind", "send", "from", "to", "payload"] as const;
const KNOWN_PARAMS = [...FILTER_PARAMS, "before", "after"] as const;
type Param = (typeof KNOWN_PARAMS)[number];

/** Request IDs are 32-bit integers in both databases: a larger one names no request. */
export const MAX_ATTEMPT_ID = 2_147_483_647;

const WEBHOOK_EVENT_ID = /^[0-9A-Za-z]{1,64}$/;
const SOURCE_ID = /^[UCR][0-9a-f]{32}$/;
const STATUS_CODE = /^[1-5]\d{2}$/;
const PATH_SEGMENT = /^(?:[A-Za-z_$][A-Za-z0-9_$]*|\d{1,4})$/;
const MAX_PATH_SEGMENTS = 12;
const MAX_PAYLOAD_VALUE = 500;

/** Reads a payload filter `path:value`; the path is split at dots, the value is everything after the first colon. */
export function parsePayloadFilter(text: string): PayloadFilter | string {
  const colon = text.indexOf(":");
  if (colon <= 0) return `The payload filter "${text}" needs the form path:value, such as events.0.message.text:hello.`;
  const path = text.slice(0, colon).split(".");
  const value = text.slice(colon + 1);
  if (path.length > MAX_PATH_SEGMENTS) return `The payload filter's path has more than ${MAX_PATH_SEGMENTS} parts.`;
  const bad = path.find((segment) => !PATH_SEGMENT.test(segment));
  if (bad !== undefined) {
    return `The payload filter's path "${text.slice(0, colon)}" is not a path: use names and array positions separated by dots, such as events.0.source.userId.`;
  }
  if (value.length > MAX_PAYLOAD_VALUE) return `The payload filter's value is longer than ${MAX_PAYLOAD_VALUE} characters.`;
  return { path, value };
}

/** `path:value` again, for the URL and the form. */
export function formatPayloadFilter(filter: PayloadFilter): string {
  return `${filter.path.join(".")}:${filter.value}`;
}

/**
 * Whether a request body has `filter.value` at `filter.path`: a string equal to it, or a number,
 * boolean or null written as it. An object or array there never matches.
 */
export function matchesPayload(body: unknown, filter: PayloadFilter): boolean {
  let at: unknown = body;
  for (const segment of filter.path) {
    if (typeof at !== "object" || at === null || !Object.hasOwn(at, segment)) return false;
    at = (at as Record<string, unknown>)[segment];
  }
  if (typeof at === "string") return at === filter.value;
  if (typeof at === "number" || typeof at === "boolean" || at === null) return String(at) === filter.value;
  return false;
}

/** `YYYY-MM-DDTHH:mm:ss` in UTC+9: the form and the URL write range ends to the second. */
export function formatUtc9Seconds(ms: number): string {
  return `${formatUtc9Date(ms)}T${formatUtc9Time(ms)}`;
}

function normalise(input: SearchParamsInput): { values: Partial<Record<Param, string>>; problems: string[] } {
  const values: Partial<Record<Param, string>> = {};
  const problems: string[] = [];
  for (const key of KNOWN_PARAMS) {
    const raw = input instanceof URLSearchParams ? input.getAll(key) : [input[key] ?? []].flat();
    if (raw.length > 1) problems.push(`"${key}" is given more than once.`);
    // A payload value may start or end with a space that matters; other values are trimmed.
    const value = key === "payload" ? raw[0] : raw[0]?.trim();
    if (value) values[key] = value;
  }
  return { values, problems };
}

function readId(text: string): number | null {
  if (!/^\d{1,10}$/.test(text)) return null;
  const id = Number(text);
  return id >= 1 && id <= MAX_ATTEMPT_ID ? id : null;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], problem: string, problems: string[]): T | null {
  if (value === undefined) return null;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push(problem);
  return null;
}

function readTime(value: string | undefined, name: string, problems: string[]): number | null {
  if (value === undefined) return null;
  const ms = parseUtc9Input(value);
  if (ms === null || Number(value.slice(0, 4)) < 1970) {
    problems.push(`The ${name} "${value}" is not a date and time of the form YYYY-MM-DDTHH:mm or YYYY-MM-DDTHH:mm:ss (UTC+9) from 1970 on.`);
    return null;
  }
  return ms;
}

/**
 * Reads the Delivery log's URL: the filters and the page. Every mistake comes back as a sentence
 * for the user; nothing throws. A filter that cannot be read leaves no query at all (a page of
 * the wrong sends would mislead); a page that names no send leaves the filters and the newest
 * sends.
 */
export function parseDeliveryLogSearch(input: SearchParamsInput): ParsedDeliveryLogSearch {
  const { values: v, problems } = normalise(input);
  const filter: DeliveryLogFilter = { ...NO_FILTER };

  if (v.webhookEventId !== undefined) {
    if (WEBHOOK_EVENT_ID.test(v.webhookEventId)) filter.webhookEventId = v.webhookEventId;
    else problems.push(`"${v.webhookEventId}" is not a webhook event ID: those are letters and digits, such as 01JD8X5E9Q3M4V0R6T2Y7W1ZAB.`);
  }
  filter.eventType = oneOf(v.type, EVENT_TYPES, `"${v.type}" is not an event type. The types are ${EVENT_TYPES.join(", ")}.`, problems);
  if (v.source !== undefined) {
    if (SOURCE_ID.test(v.source)) filter.source = v.source;
    else problems.push(`"${v.source}" is not a user, group or room ID: those are U, C or R and 32 hex digits.`);
  }
  filter.outcome = oneOf(v.outcome, ["success", "failure"] as const, `The outcome must be "success" or "failure", not "${v.outcome}".`, problems);
  if (v.reason !== undefined) {
    if (isReason(v.reason)) filter.reason = v.reason;
    else problems.push(`"${v.reason}" is not a reason. The reasons are ${Object.keys(REASONS).join(", ")}.`);
  }
  if (v.detail !== undefined) {
    const of = v.detail.length <= 100 ? reasonOfDetail(v.detail) : null;
    if (of === null) problems.push(`"${v.detail}" is not a detail of any reason: use a detail from the list, or an HTTP status code such as 500.`);
    else if (filter.reason && of !== filter.reason) problems.push(`The detail "${v.detail}" belongs to ${of}, not to ${filter.reason}.`);
    else filter.detail = v.detail;
  }
  if (v.status !== undefined) {
    if (STATUS_CODE.test(v.status)) filter.statusCode = Number(v.status);
    else problems.push(`The status code "${v.status}" is not an HTTP status code from 100 to 599.`);
  }
  if (filter.outcome === "success" && (filter.reason || filter.detail)) {
    problems.push("A successful send has no reason or detail: choose the outcome \"failure\" or remove the reason and detail.");
  }
  filter.kind = oneOf(v.kind, ATTEMPT_KINDS, `The kind must be "event" (a webhook), "verify" or "test" (an API test), not "${v.kind}".`, problems);
  filter.send = oneOf(v.send, ["first", "redelivery"] as const, `The send must be "first" or "redelivery", not "${v.send}".`, problems);
  filter.from = readTime(v.from, "start", problems);
  filter.to = readTime(v.to, "end", problems);
  if (filter.from !== null && filter.to !== null && filter.to <= filter.from) problems.push("The end of the time range must be after its start.");
  if (v.payload !== undefined) {
    const payload = parsePayloadFilter(v.payload);
    if (typeof payload === "string") problems.push(payload);
    else filter.payload = payload;
  }
  if (problems.length > 0) return { ok: false, query: null, problems };

  if (v.before !== undefined && v.after !== undefined) {
    return { ok: false, query: { filter, page: null }, problems: ['A page of requests is either "before" or "after" a request, not both.'] };
  }
  const token = v.before ?? v.after;
  if (token === undefined) return { ok: true, query: { filter, page: null }, problems: [] };
  const id = readId(token);
  if (id === null) {
    return { ok: false, query: { filter, page: null }, problems: ["This link's page of requests does not exist, so the newest requests are shown."] };
  }
  return { ok: true, query: { filter, page: { direction: v.before !== undefined ? "older" : "newer", id } }, problems: [] };
}

/** Whether any filter is set. */
export function isFiltered(filter: DeliveryLogFilter): boolean {
  return Object.values(filter).some((value) => value !== null);
}

/** The search string (`?…`, or "" for none) of a filter and a page: what the Delivery log's links carry. */
export function deliveryLogSearch(filter: Partial<DeliveryLogFilter>, page: DeliveryLogPage | null = null): string {
  const params = new URLSearchParams();
  const set = (key: string, value: string | number | null | undefined) => {
    if (value !== null && value !== undefined) params.set(key, String(value));
  };
  set("webhookEventId", filter.webhookEventId);
  set("type", filter.eventType);
  set("source", filter.source);
  set("outcome", filter.outcome);
  set("reason", filter.reason);
  set("detail", filter.detail);
  set("status", filter.statusCode);
  set("kind", filter.kind);
  set("send", filter.send);
  if (filter.from !== null && filter.from !== undefined) set("from", formatUtc9Seconds(filter.from));
  if (filter.to !== null && filter.to !== undefined) set("to", formatUtc9Seconds(filter.to));
  if (filter.payload) set("payload", formatPayloadFilter(filter.payload));
  if (page) set(page.direction === "older" ? "before" : "after", page.id);
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

/** How long a send may last at most: LINE's 2-second deadline bounds it, with a second to spare. */
const LONGEST_SEND_MS = 3000;

/**
 * The Delivery log's search for the sends behind a Webhook errors row or bar: event sends of
 * the reason (and detail) detected from `detectedFrom` to `detectedTo`. A row counts sends by when
 * they ended, the log lists them by when they started, so the range starts one longest send
 * earlier; whole seconds either side keep the link short.
 */
export function sendsBehindErrors(failure: { reason: string | null; detail: string | null }, detectedFrom: number, detectedTo: number): string {
  const from = Math.floor((detectedFrom - LONGEST_SEND_MS) / 1000) * 1000;
  const to = Math.ceil((detectedTo + 1) / 1000) * 1000;
  const reason = failure.reason !== null && isReason(failure.reason) ? failure.reason : null;
  return deliveryLogSearch({ outcome: "failure", reason, detail: failure.detail, kind: "event", from, to });
}
