import { failureOf, type Failure, type FixedDetail } from "./reasons";

/**
 * Maps what a failed send threw to LINE's (reason, detail), docs/line-behaviour.md#classification. The same error code
 * means different things at different moments (ECONNREFUSED from a DNS server is not a refused
 * bot), so the sender wraps what its own code throws in a `SendStageError` saying where it
 * happened; anything else comes from undici after the connection was made.
 */

/** Where a send was when it failed: resolving, connecting TCP, the TLS handshake, or HTTP. */
export type SendStage = "url" | "dns" | "tcp" | "tls" | "http";

/** Codes our own sender gives its errors; they never collide with Node's, undici's or OpenSSL's. */
export const SEND_ERROR_CODES = {
  /** The URL does not parse, or its scheme or host cannot be used. */
  invalidUrl: "WEBHOOK_INVALID_URL",
  /** One of our own timers ran out; the stage says which phase it caught. */
  timeout: "WEBHOOK_TIMEOUT",
  /** The socket closed during the TLS handshake without an error of its own. */
  closedDuringHandshake: "WEBHOOK_CLOSED_DURING_HANDSHAKE",
  /** An HTTP/2 connection failed before the server sent a single frame (not even SETTINGS). */
  h2SessionNotEstablished: "WEBHOOK_H2_SESSION_NOT_ESTABLISHED",
} as const;

/** An error raised by, or caught in, one stage of our own send code. */
export class SendStageError extends Error {
  readonly stage: SendStage;
  /** Our own code, or the code of the underlying error (ECONNREFUSED, ERR_SSL_..., ...). */
  readonly code: string | undefined;

  constructor(stage: SendStage, code: string | undefined, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SendStageError";
    this.stage = stage;
    this.code = code;
  }

  /** Wraps an error from a stage, keeping its code so the table can match on it. */
  static wrap(stage: SendStage, error: unknown): SendStageError {
    if (error instanceof SendStageError) return error;
    return new SendStageError(stage, errorCode(error), `${stage}: ${errorMessage(error)}`, { cause: error });
  }
}

type Rule = {
  /** Stages the rule applies to; omitted means any. */
  stages?: readonly SendStage[];
  /** Error codes the rule matches; omitted means any. */
  codes?: readonly string[];
  /** Matched against the error's message (and its causes'), for errors whose code is too broad. */
  message?: RegExp;
  detail: FixedDetail;
};

const { invalidUrl, timeout, closedDuringHandshake, h2SessionNotEstablished } = SEND_ERROR_CODES;

/** llhttp's complaints about a response's first line (its version or status code). */
const HTTP_STATUS_LINE_ERROR =
  /^Response does not match the HTTP\/1\.1 protocol \((Expected HTTP\/|Expected dot|Invalid (major |minor |HTTP )?version|Expected (space|CRLF) after version|Invalid status code|Invalid response status|Missing expected CR after response line)/;

/** The peer closed or reset the connection. */
const CLOSED = ["ECONNRESET", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CLOSED"];

/**
 * First match wins, so specific rows come before broad ones. Every row is a situation a probe
 * against a real misbehaving server reproduced (tests/integration/webhook-classification.test.ts)
 * or a sibling code Node documents for the same situation.
 */
const CLASSIFICATION_RULES: readonly Rule[] = [
  { codes: [invalidUrl], detail: "Invalid URL syntax" },

  // Our own timers: which phase the deadline caught decides what it means to the user.
  { codes: [timeout], stages: ["dns"], detail: "DNS Query timeout" },
  { codes: [timeout], stages: ["tcp", "tls"], detail: "Connection timeout" },
  { codes: [timeout], stages: ["http"], detail: "Request timeout" },
  { codes: [timeout], detail: "Request timeout" },

  // Name resolution. EBADNAME is a host no resolver could ever look up: an unusable host.
  { stages: ["dns"], codes: ["EBADNAME", "EBADFAMILY"], detail: "Invalid URL syntax" },
  {
    stages: ["dns"],
    codes: ["ENOTFOUND", "ENODATA", "ENONAME", "EAI_NONAME", "EAI_NODATA", "EAI_FAIL", "ESERVFAIL", "EREFUSED"],
    detail: "Unknown host",
  },
  // EAI_AGAIN is what getaddrinfo says when every DNS server timed out.
  { stages: ["dns"], codes: ["ETIMEOUT", "EAI_AGAIN"], detail: "DNS Query timeout" },

  // TCP.
  { stages: ["tcp", "tls"], codes: ["UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT"], detail: "Connection timeout" },
  {
    stages: ["tcp"],
    codes: ["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN", "EADDRNOTAVAIL", ...CLOSED],
    detail: "Connection failed",
  },

  // TLS. The ALPN alert and the plain-text answer are handshake failures with names of their own.
  {
    stages: ["tls"],
    codes: ["ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL", "ERR_SSL_NO_APPLICATION_PROTOCOL"],
    detail: "Session protocol negotiation failure",
  },
  {
    stages: ["tls"],
    codes: ["ERR_SSL_WRONG_VERSION_NUMBER", "ERR_SSL_PACKET_LENGTH_TOO_LONG", "ERR_SSL_HTTP_REQUEST"],
    detail: "No SSL/TLS record",
  },
  { stages: ["tls"], codes: [closedDuringHandshake, ...CLOSED], detail: "Connection failed (session closed)" },
  // Certificates (untrusted, expired, wrong host), alerts, protocol versions: everything else.
  { stages: ["tls"], detail: "TLS handshake failure" },

  // HTTP, after the connection was made.
  { codes: [h2SessionNotEstablished], detail: "Connection failed (session closed)" },
  { message: /GOAWAY/, detail: "Connection failed (received GOAWAY)" },
  { codes: ["ERR_HTTP2_GOAWAY_SESSION"], detail: "Connection failed (received GOAWAY)" },
  // llhttp failed on the status line: whatever answered does not speak HTTP/1.x at all. undici
  // 7 leaves these errors' code undefined (it indexes llhttp's error table the wrong way round),
  // so the message is what tells; the codes are here for when that is fixed.
  {
    codes: ["HPE_INVALID_CONSTANT", "HPE_INVALID_VERSION", "HPE_INVALID_STATUS"],
    detail: "Session protocol negotiation failure",
  },
  {
    stages: ["http"],
    message: HTTP_STATUS_LINE_ERROR,
    detail: "Session protocol negotiation failure",
  },
  // undici: bytes arrived on an HTTP/1 connection while no request was waiting for them.
  { codes: ["UND_ERR_SOCKET"], message: /^bad response$/, detail: "Session protocol negotiation failure" },
  {
    codes: ["ERR_HTTP2_STREAM_ERROR", "ERR_HTTP2_STREAM_CANCEL", "UND_ERR_INFO"],
    message: /stream|frameError/i,
    detail: "Stream closed unexpectedly",
  },
  { codes: ["ERR_HTTP2_STREAM_ERROR", "ERR_HTTP2_STREAM_CANCEL"], detail: "Stream closed unexpectedly" },
  { codes: [...CLOSED, "UND_ERR_RES_CONTENT_LENGTH_MISMATCH"], detail: "Session closed unexpectedly" },
  { codes: ["UND_ERR_INFO"], message: /^reset$|other side closed/, detail: "Session closed unexpectedly" },
  { codes: ["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"], detail: "Request timeout" },
];

const FALLBACK: FixedDetail = "Unclassified webhook dispatch error";

/** LINE's (reason, detail) for an error thrown while sending a webhook. */
export function classifyFailure(error: unknown): Failure {
  const stage: SendStage = error instanceof SendStageError ? error.stage : "http";
  const code = errorCode(error);
  const messages = messageChain(error);
  const rule = CLASSIFICATION_RULES.find(
    (r) =>
      (r.stages === undefined || r.stages.includes(stage)) &&
      (r.codes === undefined || (code !== undefined && r.codes.includes(code))) &&
      (r.message === undefined || messages.some((m) => r.message?.test(m))),
  );
  return failureOf(rule?.detail ?? FALLBACK);
}

/** The `code` of an error (Node errno names, undici's UND_ERR_*, llhttp's HPE_*), if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  return undefined;
}

/** A one-line description of an error for logs: its code and message. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = errorCode(error);
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** The messages of an error and its causes, innermost last. */
function messageChain(error: unknown): string[] {
  const out: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    out.push(current.message);
    current = current.cause;
  }
  return out;
}
