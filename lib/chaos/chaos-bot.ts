import { isIPv6 } from "node:net";
import type { Failure } from "../webhook/reasons";
import { loadOrCreateCertificates } from "./certificates";
import {
  findClosedPort,
  startAlpnRefusal,
  startCloseAfterClientHello,
  startCloseMidRequest,
  startFullBacklog,
  startH2CloseBeforeSettings,
  startH2Goaway,
  startH2StreamReset,
  startHang,
  startHealthyHttp,
  startHealthyHttps,
  startPlainTextAnswer,
  startRawAnswer,
  startSilentDns,
  startSlow,
  startFlaky,
  startStatus,
  startUntrustedTls,
  type Delivery,
  type Listening,
} from "./servers";

export type { Delivery } from "./servers";

/** One way a bot server can behave, and what LINE (and our sender) calls it. */
export type ChaosBehaviour = {
  name: string;
  /** What the behaviour does, in a few words. */
  description: string;
  url: string;
  expected: Failure | "success";
  /** DNS servers the sender must use for this URL (the silent DNS server). */
  dnsServers?: string[];
  /** The CA certificate (PEM) the sender must trust for this URL's TLS to succeed. */
  ca?: string;
};

export type ChaosBot = {
  behaviours: ChaosBehaviour[];
  /** Every webhook the healthy bots received, oldest first. */
  deliveries: Delivery[];
  /** The CA certificate (PEM) the https behaviours' certificate is trusted through. */
  ca: string;
  close(): Promise<void>;
};

export type ChaosBotOptions = {
  /** The channel secret the healthy bots check `x-line-signature` against. */
  secret: string;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** The first port; behaviours take the ones after it in order. 0 (default) picks free ports. */
  basePort?: number;
  /** Where to keep the test certificates between runs; fresh ones every time when omitted. */
  certificateDir?: string;
  /** Called for every webhook a healthy bot receives. */
  onDelivery?: (delivery: Delivery) => void;
};

const SLOW_ANSWER_MS = 2500;
/** How many times the flaky bot fails each event before it answers 200. */
export const FLAKY_FAILURES = 2;

/** `HTTP/1.1 200 OK` with a Content-Length llhttp refuses: the headers themselves are broken. */
const MALFORMED_HEADERS = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: twelve\r\n\r\ntwelve bytes";
/** What a non-HTTP service might say: an SSH banner, then a binary blob. */
const NOT_HTTP = Buffer.concat([Buffer.from("SSH-2.0-OpenSSH_9.6 chaos\r\n"), Buffer.from([0, 0, 1, 0x14, 0x0a, 0x14, 0xff, 0xfe])]);

/**
 * Starts a local server per failure in docs/line-behaviour.md#classification (and two healthy bots), lists each URL with
 * the (reason, detail) a send to it must produce. Tests and `scripts/chaos-bot.ts` share it.
 */
export async function startChaosBot(options: ChaosBotOptions): Promise<ChaosBot> {
  const host = options.host ?? "127.0.0.1";
  const basePort = options.basePort ?? 0;
  const urlHost = isIPv6(host) ? `[${host}]` : host;
  const { trusted, untrusted } = loadOrCreateCertificates([...new Set([host, "localhost", "127.0.0.1"])], options.certificateDir);
  const deliveries: Delivery[] = [];
  const record = (delivery: Delivery) => {
    deliveries.push(delivery);
    options.onDelivery?.(delivery);
  };
  const running: Listening[] = [];
  const behaviours: ChaosBehaviour[] = [];
  let index = 0;
  const nextPort = () => (basePort === 0 ? 0 : basePort + index++);

  const add = async (
    start: (port: number) => Promise<Listening>,
    entry: Omit<ChaosBehaviour, "url"> & { scheme: "http" | "https"; path?: string },
  ) => {
    const listening = await start(nextPort());
    running.push(listening);
    const { scheme, path = "/callback", ...rest } = entry;
    behaviours.push({ ...rest, url: `${scheme}://${urlHost}:${listening.port}${path}` });
  };
  const failure = (reason: Failure["reason"], detail: string): Failure => ({ reason, detail });
  const ca = trusted.cert;

  try {
    await add((p) => startHealthyHttp(host, p, options.secret, record), {
      name: "healthy",
      description: "checks the signature, answers 200 (401 if the signature is wrong)",
      scheme: "http",
      expected: "success",
    });
    await add((p) => startHealthyHttps(host, p, options.secret, record, trusted), {
      name: "healthy-https",
      description: "the healthy bot over https, HTTP/2 when offered",
      scheme: "https",
      expected: "success",
      ca,
    });
    await add((p) => startFlaky(host, p, FLAKY_FAILURES, options.secret, record), {
      name: "flaky",
      description: `fails each event's first ${FLAKY_FAILURES} sends with 503, then answers 200 (for redelivery)`,
      scheme: "http",
      expected: failure("error_status_code", "503"),
    });
    await add((p) => startStatus(host, p, 500), {
      name: "status-500",
      description: "answers 500",
      scheme: "http",
      expected: failure("error_status_code", "500"),
    });
    await add((p) => startStatus(host, p, 302, { location: "https://example.com/elsewhere" }), {
      name: "redirect-302",
      description: "redirects (302); redirects are not followed",
      scheme: "http",
      expected: failure("error_status_code", "302"),
    });
    await add((p) => startHang(host, p), {
      name: "hang",
      description: "reads the webhook, never answers",
      scheme: "http",
      expected: failure("request_timeout", "Request timeout"),
    });
    await add((p) => startSlow(host, p, SLOW_ANSWER_MS), {
      name: "slow",
      description: `answers 200 after ${SLOW_ANSWER_MS / 1000} s`,
      scheme: "http",
      expected: failure("request_timeout", "Request timeout"),
    });
    await add((p) => startCloseMidRequest(host, p), {
      name: "close-mid-request",
      description: "reads the HTTP/1 request, then destroys the connection",
      scheme: "http",
      expected: failure("unclassified", "Session closed unexpectedly"),
    });
    await add((p) => startH2Goaway(host, p, trusted), {
      name: "h2-goaway",
      description: "HTTP/2: sends GOAWAY as the session starts",
      scheme: "https",
      expected: failure("could_not_connect", "Connection failed (received GOAWAY)"),
      ca,
    });
    await add((p) => startH2StreamReset(host, p, trusted), {
      name: "h2-stream-reset",
      description: "HTTP/2: reads the webhook, then resets the stream (RST_STREAM)",
      scheme: "https",
      expected: failure("unclassified", "Stream closed unexpectedly"),
      ca,
    });
    await add((p) => startH2CloseBeforeSettings(host, p, trusted), {
      name: "h2-close-before-settings",
      description: "TLS agrees on h2, then the connection closes before any HTTP/2 frame",
      scheme: "https",
      expected: failure("could_not_connect", "Connection failed (session closed)"),
      ca,
    });
    await add((p) => startCloseAfterClientHello(host, p), {
      name: "tls-close-after-client-hello",
      description: "reads the TLS ClientHello, then closes the connection",
      scheme: "https",
      expected: failure("could_not_connect", "Connection failed (session closed)"),
    });
    await add((p) => startPlainTextAnswer(host, p), {
      name: "plain-text-on-https",
      description: "an https URL whose server answers in plain-text HTTP",
      scheme: "https",
      expected: failure("could_not_connect", "No SSL/TLS record"),
    });
    await add((p) => startUntrustedTls(host, p, untrusted), {
      name: "self-signed",
      description: "TLS with a self-signed certificate nobody trusts",
      scheme: "https",
      expected: failure("could_not_connect", "TLS handshake failure"),
      ca,
    });
    await add((p) => startAlpnRefusal(host, p, trusted), {
      name: "alpn-refusal",
      description: "TLS server that refuses both h2 and http/1.1 (ALPN alert)",
      scheme: "https",
      expected: failure("could_not_connect", "Session protocol negotiation failure"),
      ca,
    });
    await add((p) => startRawAnswer(host, p, NOT_HTTP), {
      name: "not-http",
      description: "answers the request with a non-HTTP banner and binary garbage",
      scheme: "http",
      expected: failure("could_not_connect", "Session protocol negotiation failure"),
    });
    await add((p) => startRawAnswer(host, p, MALFORMED_HEADERS), {
      name: "malformed-headers",
      description: "a valid status line, then a Content-Length that is not a number",
      scheme: "http",
      expected: failure("unclassified", "Unclassified webhook dispatch error"),
    });
    await add((p) => startFullBacklog(host, p), {
      name: "connect-timeout",
      description: "a listener whose accept queue is full: the TCP handshake never completes",
      scheme: "http",
      expected: failure("could_not_connect", "Connection timeout"),
    });

    const silentDns = await startSilentDns(host, nextPort());
    running.push(silentDns);
    behaviours.push({
      name: "dns-silence",
      description: "the DNS server never answers",
      // The name is never resolved, so nothing needs to listen behind it.
      url: "http://bot.chaos.test/callback",
      expected: failure("could_not_connect", "DNS Query timeout"),
      dnsServers: [`${urlHost}:${silentDns.port}`],
    });

    const closedPort = await findClosedPort(host, nextPort());
    behaviours.push({
      name: "refused",
      description: "nothing listens on this port",
      url: `http://${urlHost}:${closedPort}/callback`,
      expected: failure("could_not_connect", "Connection failed"),
    });
    behaviours.push({
      name: "unknown-host",
      description: "a host that cannot exist (.invalid)",
      url: "http://chaos-bot.invalid/callback",
      expected: failure("could_not_connect", "Unknown host"),
    });
    behaviours.push({
      name: "invalid-url",
      description: "a URL that does not parse",
      url: "https://bot example.com/callback",
      expected: failure("could_not_connect", "Invalid URL syntax"),
    });
  } catch (error) {
    await Promise.all(running.map((r) => r.close()));
    throw error;
  }

  return {
    behaviours,
    deliveries,
    ca,
    close: async () => {
      await Promise.all(running.map((r) => r.close()));
    },
  };
}
