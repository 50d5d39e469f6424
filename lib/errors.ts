import type { z } from "zod";
import { DEFAULT_LOCALE, type Locale } from "./i18n/locales";
import { CATALOGUES, translator, type Messages } from "./i18n/messages";

/**
 * A sentence for a user, as a key of the catalogue's `errors` namespace and the values it names,
 * so that each user reads it in their own language. The error's `message` is its English text.
 */
export type UserText = { key: ErrorKey; values?: Record<string, string | number> };

/** A sentence of the catalogue's `errors` namespace. */
export type ErrorKey = keyof Messages["errors"];

/** Whether `value` names a sentence of the catalogue's `errors` namespace. */
export function isErrorKey(value: string): value is ErrorKey {
  return Object.hasOwn(CATALOGUES[DEFAULT_LOCALE].errors, value);
}

/** `text` in `locale`; several sentences follow one another as the language writes them. */
export function formatUserText(text: UserText | readonly UserText[], locale: Locale): string {
  const t = translator(locale, "errors");
  const texts = "key" in text ? [text] : text;
  return texts.map((one) => t(one.key, one.values)).join(locale === "ja" ? "" : " ");
}

/** The thing does not exist, or the user may not know that it does: both answer 404. */
export class NotFoundError extends Error {
  // Private, so that two errors with the same message compare equal however they were made.
  readonly #text: UserText | null;

  constructor(message: string | UserText = { key: "notFound" }) {
    super(typeof message === "string" ? message : formatUserText(message, DEFAULT_LOCALE));
    this.name = "NotFoundError";
    this.#text = typeof message === "string" ? null : message;
  }

  /** The sentence to translate, or null when the message is English text as it is. */
  get text(): UserText | null {
    return this.#text;
  }
}

/**
 * The input was wrong; the message says how, in words a user understands: a sentence of the
 * catalogue, or, for the Simulator and LINE's own validation, English text as it is.
 */
export class InputError extends Error {
  readonly #text: UserText | readonly UserText[] | null;

  constructor(message: string | UserText | readonly UserText[]) {
    super(typeof message === "string" ? message : formatUserText(message, DEFAULT_LOCALE));
    this.name = "InputError";
    this.#text = typeof message === "string" ? null : message;
  }

  /** The sentences to translate, or null when the message is English text as it is. */
  get text(): UserText | readonly UserText[] | null {
    return this.#text;
  }
}

/**
 * The database could not take a write, and nothing was stored: 503 while another process holds
 * SQLite's write lock for longer than a request waits, 507 when the disk is full.
 */
export class StorageUnavailableError extends Error {
  constructor(
    readonly status: 503 | 507,
    readonly text: UserText,
  ) {
    super(formatUserText(text, DEFAULT_LOCALE));
    this.name = "StorageUnavailableError";
  }
}

/** Another process held the database's write lock for as long as a request waits. */
export function databaseBusy(): StorageUnavailableError {
  return new StorageUnavailableError(503, { key: "databaseBusy" });
}

/** The database server could not be reached (it is restarting, or the network is down). */
export function databaseUnreachable(): StorageUnavailableError {
  return new StorageUnavailableError(503, { key: "databaseUnreachable" });
}

/** The disk the database is on is full. */
export function diskFull(): StorageUnavailableError {
  return new StorageUnavailableError(507, { key: "diskFull" });
}

/** One problem with an input: the property at fault, as LINE names it (`events[1].text`), and what is wrong. */
export type Problem = { property?: string; message: string };

/** `events[1].text` for the path `["events", 1, "text"]`. */
function propertyName(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}

/** Every problem of a failed parse, in the order the schema found them. */
export function listProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => {
    const property = propertyName(issue.path);
    return property ? { property, message: issue.message } : { message: issue.message };
  });
}

/**
 * Checks input against a schema, or throws an InputError that lists every problem. The console's
 * schemas give each message as a key of the catalogue's `errors` sentences, so the problems are
 * shown in the user's language without their property; a schema worded in English is shown so.
 */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const messages = listProblems(result.error).map((p) => p.message);
  throw new InputError(messages.every(isErrorKey) ? messages.map((key) => ({ key })) : messages.join(" "));
}

/** The message a user should see for an error thrown by the domain, in `locale`, or null for our own bugs. */
export function userMessage(error: unknown, locale: Locale = DEFAULT_LOCALE): string | null {
  if (error instanceof NotFoundError || error instanceof InputError) {
    return error.text ? formatUserText(error.text, locale) : error.message;
  }
  const storage = storageFailure(error);
  return storage ? formatUserText(storage.text, locale) : null;
}

// PostgreSQL's codes for a server shutting down or a connection lost, and Node's for one refused;
// Prisma's for a server it cannot reach or that closed the connection; its driver adapters' kinds.
const UNREACHABLE_CODES = new Set(["57P01", "57P02", "57P03", "08000", "08001", "08003", "08006", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "P1001", "P1002", "P1017"]);
const UNREACHABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout"]);
const DISK_FULL_CODES = new Set(["53100", "SQLITE_FULL"]);

type DriverCause = { kind?: unknown; originalCode?: unknown; code?: unknown };
type DriverFailure = { code?: unknown; message?: unknown; cause?: DriverCause; meta?: { driverAdapterError?: { cause?: DriverCause } } };

/**
 * The StorageUnavailableError a failed database call stands for (the database busy, out of
 * reach, or its disk full), from Prisma, node-postgres or better-sqlite3; null for any other
 * failure, which is a bug of ours.
 */
export function storageFailure(error: unknown): StorageUnavailableError | null {
  if (error instanceof StorageUnavailableError) return error;
  if (typeof error !== "object" || error === null) return null;
  const { code, message, meta } = error as DriverFailure;
  // Prisma wraps a driver adapter's error in `meta`, or throws the adapter's error itself.
  const cause = meta?.driverAdapterError?.cause ?? (error as DriverFailure).cause;
  const codes = [code, cause?.originalCode, cause?.code].filter((c): c is string => typeof c === "string");
  if (codes.some((c) => DISK_FULL_CODES.has(c))) return diskFull();
  if (isSqliteBusy(error)) return databaseBusy();
  if (codes.some((c) => UNREACHABLE_CODES.has(c)) || (typeof cause?.kind === "string" && UNREACHABLE_KINDS.has(cause.kind))) {
    return databaseUnreachable();
  }
  if (typeof message === "string" && /Connection terminated|not queryable|database system is (shutting down|starting up)|terminating connection due to administrator command|database or disk is full/.test(message)) {
    return /disk is full/.test(message) ? diskFull() : databaseUnreachable();
  }
  return null;
}

/**
 * Whether SQLite refused with "database is locked". Prisma reports it in its message, or, for a
 * statement inside an interactive transaction, as a timeout (P1008) whose driver error says so.
 */
export function isSqliteBusy(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (/database is locked|SQLITE_BUSY/.test(error.message)) return true;
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } }).meta;
  return meta?.driverAdapterError?.cause?.originalCode === "SQLITE_BUSY";
}
