import { errors } from "undici";
import { describe, expect, test } from "vitest";
import { classifyFailure, SEND_ERROR_CODES, SendStageError, type SendStage } from "@/lib/webhook/classify";
import { apiReason, DETAILS, explainFailure, statusCodeFailure, type FixedDetail } from "@/lib/webhook/reasons";

/** A Node-style error: a message and a `code`, as net, tls and dns raise them. */
function nodeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function at(stage: SendStage, error: Error): SendStageError {
  return SendStageError.wrap(stage, error);
}

function ours(stage: SendStage, code: string): SendStageError {
  return new SendStageError(stage, code, `${code} at ${stage}`);
}

const { timeout, invalidUrl, closedDuringHandshake, h2SessionNotEstablished } = SEND_ERROR_CODES;

// The errors below are the ones real misbehaving servers produced (messages copied from the
// integration test's probes), plus siblings Node documents for the same situation.
const rows: Array<[string, unknown, FixedDetail]> = [
  ["malformed URL", ours("url", invalidUrl), "Invalid URL syntax"],
  ["DNS deadline", ours("dns", timeout), "DNS Query timeout"],
  ["c-ares timeout", at("dns", nodeError("ETIMEOUT", "queryA ETIMEOUT bot.example")), "DNS Query timeout"],
  ["getaddrinfo EAI_AGAIN", at("dns", nodeError("EAI_AGAIN", "getaddrinfo EAI_AGAIN bot.example")), "DNS Query timeout"],
  ["NXDOMAIN via getaddrinfo", at("dns", nodeError("ENOTFOUND", "getaddrinfo ENOTFOUND chaos-bot.invalid")), "Unknown host"],
  ["NXDOMAIN via c-ares", at("dns", nodeError("ENOTFOUND", "queryA ENOTFOUND nowhere.example")), "Unknown host"],
  ["no A or AAAA records", at("dns", nodeError("ENODATA", "queryA ENODATA mail-only.example")), "Unknown host"],
  ["DNS server refused to answer", at("dns", nodeError("EREFUSED", "queryA EREFUSED bot.example")), "Unknown host"],
  ["unusable host name", at("dns", nodeError("EBADNAME", "queryA EBADNAME ..")), "Invalid URL syntax"],
  ["connect deadline", ours("tcp", timeout), "Connection timeout"],
  ["deadline during TLS", ours("tls", timeout), "Connection timeout"],
  ["undici connect timeout", at("tcp", new errors.ConnectTimeoutError()), "Connection timeout"],
  ["kernel SYN timeout", at("tcp", nodeError("ETIMEDOUT", "connect ETIMEDOUT 192.0.2.1:443")), "Connection timeout"],
  ["refused", at("tcp", nodeError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1")), "Connection failed"],
  ["host unreachable", at("tcp", nodeError("EHOSTUNREACH", "connect EHOSTUNREACH 10.0.0.9:443")), "Connection failed"],
  ["network unreachable", at("tcp", nodeError("ENETUNREACH", "connect ENETUNREACH 2001:db8::1:443")), "Connection failed"],
  [
    "ALPN refused",
    at("tls", nodeError("ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL", "ssl3_read_bytes:tlsv1 alert no application protocol")),
    "Session protocol negotiation failure",
  ],
  ["plain text on https", at("tls", nodeError("ERR_SSL_WRONG_VERSION_NUMBER", "ssl3_get_record:wrong version number")), "No SSL/TLS record"],
  ["plain text, long line", at("tls", nodeError("ERR_SSL_PACKET_LENGTH_TOO_LONG", "packet length too long")), "No SSL/TLS record"],
  [
    "closed after ClientHello",
    at("tls", nodeError("ECONNRESET", "Client network socket disconnected before secure TLS connection was established")),
    "Connection failed (session closed)",
  ],
  ["reset during handshake", at("tls", nodeError("ECONNRESET", "read ECONNRESET")), "Connection failed (session closed)"],
  ["closed during handshake, no error", ours("tls", closedDuringHandshake), "Connection failed (session closed)"],
  ["self-signed", at("tls", nodeError("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate")), "TLS handshake failure"],
  ["unknown CA", at("tls", nodeError("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate")), "TLS handshake failure"],
  ["expired", at("tls", nodeError("CERT_HAS_EXPIRED", "certificate has expired")), "TLS handshake failure"],
  ["wrong host", at("tls", nodeError("ERR_TLS_CERT_ALTNAME_INVALID", "Hostname/IP does not match certificate's altnames")), "TLS handshake failure"],
  ["TLS 1.0 only", at("tls", nodeError("ERR_SSL_UNSUPPORTED_PROTOCOL", "unsupported protocol")), "TLS handshake failure"],
  ["handshake alert", at("tls", nodeError("ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE", "sslv3 alert handshake failure")), "TLS handshake failure"],
  ["response deadline", ours("http", timeout), "Request timeout"],
  ["undici headers timeout", new errors.HeadersTimeoutError(), "Request timeout"],
  ["h2 closed before SETTINGS", ours("http", h2SessionNotEstablished), "Connection failed (session closed)"],
  ["GOAWAY", new errors.SocketError('HTTP/2: "GOAWAY" frame received with code 0'), "Connection failed (received GOAWAY)"],
  [
    "not HTTP at all",
    new errors.HTTPParserError("Response does not match the HTTP/1.1 protocol (Expected HTTP/, RTSP/ or ICE/)"),
    "Session protocol negotiation failure",
  ],
  [
    "HTTP/9.9",
    new errors.HTTPParserError("Response does not match the HTTP/1.1 protocol (Invalid major version)"),
    "Session protocol negotiation failure",
  ],
  ["data before any request", new errors.SocketError("bad response"), "Session protocol negotiation failure"],
  ["RST_STREAM", nodeError("ERR_HTTP2_STREAM_ERROR", "Stream closed with error code NGHTTP2_INTERNAL_ERROR"), "Stream closed unexpectedly"],
  [
    "stream closed before the response",
    new errors.InformationalError("HTTP/2: stream closed before the response was complete"),
    "Stream closed unexpectedly",
  ],
  ["stream half-closed", new errors.InformationalError("HTTP/2: stream half-closed (remote)"), "Stream closed unexpectedly"],
  ["HTTP/1 closed after the request", new errors.SocketError("other side closed"), "Session closed unexpectedly"],
  ["HTTP/1 reset after the request", nodeError("ECONNRESET", "read ECONNRESET"), "Session closed unexpectedly"],
  ["closed mid-body", new errors.ResponseContentLengthMismatchError(), "Session closed unexpectedly"],
  [
    "malformed Content-Length",
    new errors.HTTPParserError("Response does not match the HTTP/1.1 protocol (Invalid character in Content-Length)"),
    "Unclassified webhook dispatch error",
  ],
  ["headers too large", new errors.HeadersOverflowError(), "Unclassified webhook dispatch error"],
  ["a bare string", "something odd", "Unclassified webhook dispatch error"],
  ["an unknown DNS failure", at("dns", nodeError("ECONNREFUSED", "queryA ECONNREFUSED bot.example")), "Unclassified webhook dispatch error"],
];

describe("classifyFailure", () => {
  test.each(rows)("%s → %s", (_name, error, detail) => {
    expect(classifyFailure(error)).toEqual({ reason: DETAILS[detail].reason, detail });
  });

  test("the same code means different things at different stages", () => {
    const refused = nodeError("ECONNRESET", "read ECONNRESET");
    expect(classifyFailure(at("tcp", refused)).detail).toBe("Connection failed");
    expect(classifyFailure(at("tls", refused)).detail).toBe("Connection failed (session closed)");
    expect(classifyFailure(refused).detail).toBe("Session closed unexpectedly");
  });

  test("each of LINE's fixed details is what some real error comes to, none left unreachable", () => {
    const reached = new Set(rows.map(([, error]) => classifyFailure(error).detail));
    expect([...reached].sort()).toEqual(Object.keys(DETAILS).sort());
  });
});

describe("reasons table", () => {
  test("has LINE's 14 fixed details, each with its reason", () => {
    expect(Object.keys(DETAILS)).toHaveLength(14);
    expect(Object.entries(DETAILS).map(([detail, { reason }]) => `${reason}: ${detail}`)).toMatchInlineSnapshot(`
      [
        "could_not_connect: Connection failed",
        "could_not_connect: Connection failed (received GOAWAY)",
        "could_not_connect: Connection failed (session closed)",
        "could_not_connect: Connection timeout",
        "could_not_connect: DNS Query timeout",
        "could_not_connect: Invalid URL syntax",
        "could_not_connect: Session protocol negotiation failure",
        "could_not_connect: No SSL/TLS record",
        "could_not_connect: TLS handshake failure",
        "could_not_connect: Unknown host",
        "request_timeout: Request timeout",
        "unclassified: Session closed unexpectedly",
        "unclassified: Stream closed unexpectedly",
        "unclassified: Unclassified webhook dispatch error",
      ]
    `);
  });

  test.each([
    [null, "OK"],
    ["could_not_connect", "COULD_NOT_CONNECT"],
    ["request_timeout", "REQUEST_TIMEOUT"],
    ["error_status_code", "ERROR_STATUS_CODE"],
    ["unclassified", "UNCLASSIFIED"],
  ] as const)("the API calls %s %s", (reason, api) => {
    expect(apiReason(reason)).toBe(api);
  });

  test("a status code is its own detail, explained in words", () => {
    expect(statusCodeFailure(404)).toEqual({ reason: "error_status_code", detail: "404" });
    expect(explainFailure(statusCodeFailure(302))).toContain("302");
    expect(explainFailure({ reason: "could_not_connect", detail: "No SSL/TLS record" })).toBe(
      DETAILS["No SSL/TLS record"].explanation,
    );
  });
});
