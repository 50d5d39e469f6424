/**
 * LINE's words for failed webhook sends (docs/line-behaviour.md#classification). The strings are LINE's, exact, case
 * included; the UI, the TSV, the emails and the Messaging API all read them from here.
 */
import { DEFAULT_LOCALE, type Locale } from "../i18n/locales";
import { translator } from "../i18n/messages";

export const REASONS = {
  could_not_connect: {
    apiName: "COULD_NOT_CONNECT",
    explanation: "The bot server could not be reached.",
  },
  request_timeout: {
    apiName: "REQUEST_TIMEOUT",
    explanation: "The webhook was sent, but no complete response came back within 2 seconds.",
  },
  error_status_code: {
    apiName: "ERROR_STATUS_CODE",
    explanation: "The bot server answered with an HTTP status code other than 2xx.",
  },
  unclassified: {
    apiName: "UNCLASSIFIED",
    explanation: "The webhook failed in a way that fits none of the other reasons.",
  },
} as const satisfies Record<string, { apiName: string; explanation: string }>;

export type Reason = keyof typeof REASONS;

/** The upper-case form the Messaging API test endpoint reports; a success is `OK`. */
export type ApiReason = (typeof REASONS)[Reason]["apiName"] | "OK";

/**
 * Every detail with a fixed text. `error_status_code` is the exception: its detail is the status
 * code itself (`"500"`), so it is not listed here.
 */
export const DETAILS = {
  "Connection failed": {
    reason: "could_not_connect",
    explanation: "The connection was refused or the host was unreachable.",
  },
  "Connection failed (received GOAWAY)": {
    reason: "could_not_connect",
    explanation: "The HTTP/2 server sent GOAWAY before it served the webhook.",
  },
  "Connection failed (session closed)": {
    reason: "could_not_connect",
    explanation: "The connection closed before the TLS or HTTP/2 session was set up.",
  },
  "Connection timeout": {
    reason: "could_not_connect",
    explanation: "The connection to the bot server did not finish in time.",
  },
  "DNS Query timeout": {
    reason: "could_not_connect",
    explanation: "The host name could not be resolved in time.",
  },
  "Invalid URL syntax": {
    reason: "could_not_connect",
    explanation: "The Webhook URL is malformed, or its scheme or host cannot be used.",
  },
  "Session protocol negotiation failure": {
    reason: "could_not_connect",
    explanation: "The server refused every offered protocol (ALPN), or it does not speak HTTP.",
  },
  "No SSL/TLS record": {
    reason: "could_not_connect",
    explanation: "The URL is https, but the server answered in plain text.",
  },
  "TLS handshake failure": {
    reason: "could_not_connect",
    explanation:
      "The TLS handshake failed: the certificate is untrusted, expired or for another host, or the server uses TLS older than 1.2.",
  },
  "Unknown host": {
    reason: "could_not_connect",
    explanation: "The host name does not exist.",
  },
  "Request timeout": {
    reason: "request_timeout",
    explanation: "The webhook was sent, but no complete response came back within 2 seconds. The bot may have received it.",
  },
  "Session closed unexpectedly": {
    reason: "unclassified",
    explanation: "The HTTP/1 connection closed after the webhook was sent, before a response.",
  },
  "Stream closed unexpectedly": {
    reason: "unclassified",
    explanation: "The HTTP/2 stream was reset after the webhook was sent, before a response.",
  },
  "Unclassified webhook dispatch error": {
    reason: "unclassified",
    explanation: "The webhook failed in a way that fits none of the other details.",
  },
} as const satisfies Record<string, { reason: Exclude<Reason, "error_status_code">; explanation: string }>;

export type FixedDetail = keyof typeof DETAILS;

/** One failed send, in LINE's words: a reason and its detail (a fixed text, or a status code). */
export type Failure = { reason: Reason; detail: string };

/** The failure for a response outside 2xx; the detail is the bare status code, as LINE shows it. */
export function statusCodeFailure(statusCode: number): Failure {
  return { reason: "error_status_code", detail: `${statusCode}` };
}

/** The failure for a fixed detail, with its reason looked up in the table. */
export function failureOf(detail: FixedDetail): Failure {
  return { reason: DETAILS[detail].reason, detail };
}

/** The upper-case API form of a reason (`COULD_NOT_CONNECT`), or `OK` for a success. */
export function apiReason(reason: Reason | null): ApiReason {
  return reason === null ? "OK" : REASONS[reason].apiName;
}

/**
 * Words for a user: what the reason and detail mean, for the UI and the notification email, in
 * `locale`. The tables above hold the English; the catalogue holds every language's.
 */
export function explainFailure(failure: { reason: Reason; detail: string }, locale: Locale = DEFAULT_LOCALE): string {
  const t = translator(locale, "reasons");
  if (failure.reason === "error_status_code") return t("statusCode", { code: failure.detail });
  return isFixedDetail(failure.detail) ? t(`details.${failure.detail}`) : t(`reasons.${failure.reason}`);
}

/** Whether a string is one of LINE's fixed details (as opposed to a status code or something unknown). */
export function isFixedDetail(detail: string): detail is FixedDetail {
  return Object.hasOwn(DETAILS, detail);
}

/** Whether a string is one of LINE's reasons, e.g. when reading a filter from a query string. */
export function isReason(value: string): value is Reason {
  return Object.hasOwn(REASONS, value);
}
